import {
  ApartmentOutlined,
  AppstoreAddOutlined,
  AuditOutlined,
  EnvironmentOutlined,
  FileSearchOutlined,
  LoginOutlined,
  SafetyCertificateOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { Button, Card, Col, Input, Row, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { useSite } from '../../site.ts';
import { useThemes } from './Services.tsx';

/** The portal's first question: what do you need? A search box and the themes (life events) with items. */
function FindService({ large }: { large?: boolean }) {
  const { t } = usePrefs();
  const navigate = useNavigate();
  const themes = useThemes();
  return (
    <section aria-labelledby="yw-find-title" style={{ marginBottom: 24 }}>
      <Typography.Title level={2} id="yw-find-title" style={{ fontSize: 22 }}>
        {t('home.find')}
      </Typography.Title>
      <Input.Search
        aria-label={t('home.findSearch')}
        placeholder={t('services.searchPlaceholder')}
        enterButton={t('services.search')}
        size="large"
        style={{ maxWidth: large ? '100%' : 640 }}
        onSearch={(v) => navigate(v.trim() ? `/services?q=${encodeURIComponent(v.trim())}` : '/services')}
      />
      {themes.data?.items.length ? (
        <nav aria-label={t('home.themes')} style={{ marginTop: 16 }}>
          <Space wrap size={[8, 8]}>
            <Typography.Text strong>{t('common.labelColon', { label: t('home.themes') })}</Typography.Text>
            {themes.data.items.slice(0, large ? 8 : 16).map((x) => (
              <Link key={x.theme} to={`/services?theme=${encodeURIComponent(x.theme)}`}>
                <Tag style={{ fontSize: large ? 18 : 14, padding: large ? '6px 12px' : '2px 8px', margin: 0 }}>
                  {x.theme}（{x.count}）
                </Tag>
              </Link>
            ))}
          </Space>
        </nav>
      ) : null}
    </section>
  );
}

export function HomePage() {
  const { t, lang, elder } = usePrefs();
  const navigate = useNavigate();
  const me = useMe();
  const signedIn = !!me.data;
  const site = useSite(lang);
  const title = site.name ? t('home.title', { city: site.name }) : t('home.titlePlain');

  const accountTarget = me.data?.account.type === 'staff' ? '/workbench' : '/account';

  if (elder) {
    return (
      <>
        <section className="yw-hero" aria-labelledby="yw-hero-title">
          <h1 id="yw-hero-title">{title}</h1>
          <p>{t('home.elderSubtitle')}</p>
        </section>
        <FindService large />
        <div className="yw-big-buttons">
          <Button
            className="yw-big-button"
            size="large"
            icon={<FileSearchOutlined />}
            onClick={() => navigate('/services')}
          >
            {t('home.services')}
          </Button>
          <Button
            className="yw-big-button"
            size="large"
            icon={<AppstoreAddOutlined />}
            onClick={() => navigate('/bundles')}
          >
            {t('bundles.home.title')}
          </Button>
          {signedIn ? (
            <Button
              className="yw-big-button"
              size="large"
              type="primary"
              icon={<SafetyCertificateOutlined />}
              onClick={() => navigate(accountTarget)}
            >
              {t('nav.account')}
            </Button>
          ) : (
            <>
              <Button
                className="yw-big-button"
                size="large"
                type="primary"
                icon={<LoginOutlined />}
                onClick={() => navigate('/login')}
              >
                {t('nav.login')}
              </Button>
              <Button
                className="yw-big-button"
                size="large"
                icon={<UserAddOutlined />}
                onClick={() => navigate('/register')}
              >
                {t('nav.register')}
              </Button>
            </>
          )}
        </div>
      </>
    );
  }

  const capabilities: { icon: ReactNode; title: MessageKey; body: MessageKey }[] = [
    { icon: <SafetyCertificateOutlined />, title: 'home.capIdentity', body: 'home.capIdentityBody' },
    { icon: <ApartmentOutlined />, title: 'home.capOrg', body: 'home.capOrgBody' },
    { icon: <EnvironmentOutlined />, title: 'home.capGrid', body: 'home.capGridBody' },
    { icon: <AuditOutlined />, title: 'home.capAudit', body: 'home.capAuditBody' },
  ];

  return (
    <>
      <section className="yw-hero" aria-labelledby="yw-hero-title">
        <h1 id="yw-hero-title">{title}</h1>
        <p>{t('home.subtitle')}</p>
      </section>
      <FindService />
      <section aria-labelledby="yw-quick-title" style={{ marginBottom: 24 }}>
        <Typography.Title level={2} id="yw-quick-title" style={{ fontSize: 22 }}>
          {t('home.quickLinks')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={8}>
            <Card>
              <Card.Meta
                avatar={<FileSearchOutlined style={{ fontSize: 28 }} aria-hidden />}
                title={<Link to="/services">{t('home.services')}</Link>}
                description={t('home.servicesBody')}
              />
            </Card>
          </Col>
          <Col xs={24} md={8}>
            <Card>
              <Card.Meta
                avatar={<AppstoreAddOutlined style={{ fontSize: 28 }} aria-hidden />}
                title={<Link to="/bundles">{t('bundles.home.title')}</Link>}
                description={t('bundles.home.body')}
              />
            </Card>
          </Col>
          {signedIn ? (
            <Col xs={24} md={8}>
              <Card>
                <Card.Meta
                  avatar={<SafetyCertificateOutlined style={{ fontSize: 28 }} aria-hidden />}
                  title={t('nav.account')}
                  description={t('home.accountBody')}
                />
                <Button type="primary" style={{ marginTop: 16 }} onClick={() => navigate(accountTarget)}>
                  {me.data?.account.type === 'staff' ? t('nav.workbench') : t('nav.account')}
                </Button>
              </Card>
            </Col>
          ) : (
            <>
              <Col xs={24} md={8}>
                <Card>
                  <Card.Meta
                    avatar={<UserAddOutlined style={{ fontSize: 28 }} aria-hidden />}
                    title={t('nav.register')}
                    description={t('home.registerBody')}
                  />
                  <Button type="primary" style={{ marginTop: 16 }} onClick={() => navigate('/register')}>
                    {t('home.goRegister')}
                  </Button>
                </Card>
              </Col>
              <Col xs={24} md={8}>
                <Card>
                  <Card.Meta
                    avatar={<LoginOutlined style={{ fontSize: 28 }} aria-hidden />}
                    title={t('nav.login')}
                    description={t('home.loginBody')}
                  />
                  <Button style={{ marginTop: 16 }} onClick={() => navigate('/login')}>
                    {t('home.goLogin')}
                  </Button>
                </Card>
              </Col>
            </>
          )}
        </Row>
      </section>
      <section aria-labelledby="yw-cap-title">
        <Typography.Title level={2} id="yw-cap-title" style={{ fontSize: 22 }}>
          {t('home.capabilities')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          {capabilities.map((c) => (
            <Col xs={24} sm={12} lg={6} key={c.title}>
              <Card style={{ height: '100%' }}>
                <Typography.Title level={3} style={{ fontSize: 18 }}>
                  <span aria-hidden="true">{c.icon}</span> {t(c.title)}
                </Typography.Title>
                <Typography.Paragraph style={{ marginBottom: 0 }}>{t(c.body)}</Typography.Paragraph>
              </Card>
            </Col>
          ))}
        </Row>
      </section>
    </>
  );
}
