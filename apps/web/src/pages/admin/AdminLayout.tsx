import { Layout, Menu, Result } from 'antd';
import { Link, Outlet, useLocation } from 'react-router';
import { ADMIN_SECTIONS, adminSectionsOf, useMe } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

export default function AdminLayout() {
  const { t } = usePrefs();
  const me = useMe();
  const loc = useLocation();
  const sections = adminSectionsOf(me.data);
  if (sections.length === 0) return <Result status="403" title="403" subTitle={t('common.forbidden')} />;
  const current = loc.pathname.split('/')[2] ?? '';
  return (
    <Layout style={{ background: 'transparent' }}>
      <Layout.Sider width={200} className="yw-admin-sider" theme="light">
        <nav aria-label={t('admin.menuLabel')}>
          <Menu
            mode="inline"
            selectedKeys={[current]}
            items={ADMIN_SECTIONS.filter((s) => sections.includes(s.key)).map((s) => ({
              key: s.key,
              label: <Link to={`/admin/${s.key}`}>{t(`admin.menu.${s.key}` as MessageKey)}</Link>,
            }))}
          />
        </nav>
      </Layout.Sider>
      <Layout.Content style={{ padding: '0 0 0 24px', minWidth: 0 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
