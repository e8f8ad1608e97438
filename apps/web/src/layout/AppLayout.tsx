import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Dropdown, Layout, Menu, Select, Switch } from 'antd';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { Lang } from '../api.ts';
import { adminSectionsOf, hasPermission, useMe, useSignOut } from '../auth.tsx';
import { usePrefs } from '../i18n/index.tsx';
import { NotificationBell } from '../pages/notifications/Bell.tsx';
import { useSite } from '../site.ts';

function topKey(pathname: string): string {
  if (pathname.startsWith('/workbench')) return '/workbench';
  if (pathname.startsWith('/admin')) return '/admin';
  if (pathname.startsWith('/data')) return '/data';
  if (pathname.startsWith('/account')) return '/account';
  if (pathname.startsWith('/my/cases')) return '/my/cases';
  if (pathname.startsWith('/my/licences')) return '/my/licences';
  if (pathname.startsWith('/verify')) return '/verify';
  if (pathname.startsWith('/track')) return '/track';
  return '/';
}

export function AppLayout() {
  const { t, lang, setLang, elder, setElder } = usePrefs();
  const site = useSite(lang);
  const me = useMe();
  const loc = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const { message } = AntApp.useApp();
  const account = me.data?.account;
  const isStaff = account?.type === 'staff';
  const canAdmin = adminSectionsOf(me.data).length > 0;

  const navItems = [
    { key: '/', label: <Link to="/">{t('nav.portal')}</Link> },
    ...(isStaff ? [{ key: '/workbench', label: <Link to="/workbench">{t('nav.workbench')}</Link> }] : []),
    ...(isStaff && hasPermission(me.data, ['data.'])
      ? [{ key: '/data', label: <Link to="/data">{t('data.nav')}</Link> }]
      : []),
    ...(canAdmin && !elder ? [{ key: '/admin', label: <Link to="/admin">{t('nav.admin')}</Link> }] : []),
    ...(account && !isStaff ? [{ key: '/my/cases', label: <Link to="/my/cases">{t('apply.nav.myCases')}</Link> }] : []),
    ...(account && !isStaff
      ? [{ key: '/my/licences', label: <Link to="/my/licences">{t('licences.nav.wallet')}</Link> }]
      : []),
    ...(account ? [{ key: '/account', label: <Link to="/account">{t('nav.account')}</Link> }] : []),
    ...(!isStaff ? [{ key: '/track', label: <Link to="/track">{t('apply.nav.track')}</Link> }] : []),
    { key: '/verify', label: <Link to="/verify">{t('licences.nav.verify')}</Link> },
  ];

  const onSignOut = async () => {
    try {
      await signOut();
      message.success(t('account.signedOut'));
    } finally {
      navigate('/');
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="yw-skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Layout.Header className="yw-header">
        <Link to="/" className="yw-logo" aria-label={t('app.logoLabel')}>
          一网<small>Yiwang</small>
        </Link>
        <nav className="yw-nav" aria-label={t('nav.main')}>
          <Menu mode="horizontal" selectedKeys={[topKey(loc.pathname)]} items={navItems} disabledOverflow />
        </nav>
        <div className="yw-header-tools">
          <span className="yw-tool">
            <span aria-hidden="true">{t('header.language')}</span>
            <Select<Lang>
              aria-label={t('header.language')}
              value={lang}
              onChange={(v) => setLang(v)}
              style={{ width: elder ? 176 : 110 }}
              options={[
                { value: 'zh', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </span>
          <span className="yw-tool">
            <Switch id="yw-elder-switch" checked={elder} onChange={setElder} aria-label={t('header.elder')} />
            <label htmlFor="yw-elder-switch">{t('header.elder')}</label>
          </span>
          {account && <NotificationBell />}
          {account ? (
            <Dropdown
              menu={{
                items: [
                  { key: 'account', label: t('nav.account'), onClick: () => navigate('/account') },
                  ...(!isStaff
                    ? [{ key: 'my-cases', label: t('apply.nav.myCases'), onClick: () => navigate('/my/cases') }]
                    : []),
                  ...(!isStaff
                    ? [{ key: 'my-licences', label: t('licences.nav.wallet'), onClick: () => navigate('/my/licences') }]
                    : []),
                  { key: 'security', label: t('nav.security'), onClick: () => navigate('/account/security') },
                  { type: 'divider' },
                  { key: 'logout', label: t('account.logout'), onClick: () => void onSignOut() },
                ],
              }}
            >
              <Button icon={<UserOutlined />}>
                {account.name || account.username} <DownOutlined />
              </Button>
            </Dropdown>
          ) : (
            <span className="yw-tool">
              <Link to={`/login${loc.pathname === '/login' ? loc.search : ''}`}>{t('nav.login')}</Link>
              <span aria-hidden="true">|</span>
              <Link to="/register">{t('nav.register')}</Link>
            </span>
          )}
        </div>
      </Layout.Header>
      <Layout.Content id="main" className="yw-main" tabIndex={-1}>
        <Outlet />
      </Layout.Content>
      <Layout.Footer className="yw-footer">
        {site.name ? t('app.footer', { city: site.name }) : t('app.footerPlain')}
      </Layout.Footer>
    </Layout>
  );
}
