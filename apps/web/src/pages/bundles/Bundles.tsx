import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import { type BundleSummary, bundleName } from './model.ts';
import './bundles.css';

/** /bundles — 一件事一次办: the bundles by theme (life events, enterprise lifecycle), each with its member items. */
export default function BundlesPage() {
  const { t, lang } = usePrefs();
  const list = useQuery({
    queryKey: ['bundles', 'list'],
    queryFn: () => api.get<{ items: BundleSummary[]; total: number }>('/bundles'),
    staleTime: 60_000,
  });
  const items = list.data?.items ?? [];
  const themes = [...new Set(items.map((b) => b.theme))];

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-bundles">
        <Typography.Title level={1} className="yw-page-title">
          {t('bundles.title')}
        </Typography.Title>
        <Typography.Paragraph>{t('bundles.intro')}</Typography.Paragraph>
        <Link to="/services">{t('bundles.toServices')}</Link>
        {list.error ? <Alert type="error" showIcon message={errorText(list.error, lang)} /> : null}
        {list.isLoading ? <Card loading /> : null}
        {!list.isLoading && !list.error && !items.length ? <Empty description={t('bundles.empty')} /> : null}
        {themes.map((theme, ti) => (
          <section key={theme} aria-labelledby={`yw-bundle-theme-${ti}`}>
            <Typography.Title level={2} id={`yw-bundle-theme-${ti}`} className="yw-bundle-theme">
              {theme}
            </Typography.Title>
            <Row gutter={[16, 16]}>
              {items
                .filter((b) => b.theme === theme)
                .map((b) => {
                  const headingId = `yw-bundle-${b.code}`;
                  return (
                    <Col xs={24} md={12} key={b.code}>
                      <Card className="yw-bundle-card" role="article" aria-labelledby={headingId}>
                        <Typography.Title level={3} id={headingId} className="yw-bundle-card-title">
                          <Link to={`/bundles/${encodeURIComponent(b.code)}`}>{bundleName(b, lang)}</Link>
                        </Typography.Title>
                        {b.description ? <Typography.Paragraph>{b.description}</Typography.Paragraph> : null}
                        <Typography.Text strong>{t('bundles.membersHeading', { n: b.members.length })}</Typography.Text>
                        <ul className="yw-bundle-members">
                          {b.members.map((m) => (
                            <li key={m.taskCode}>
                              {m.itemName}
                              <Typography.Text type="secondary">（{m.departmentName}）</Typography.Text>
                            </li>
                          ))}
                        </ul>
                        <Space wrap>
                          <Tag color="blue">{t('bundles.jointDeadline', { n: b.jointDeadlineDays })}</Tag>
                          <Tag>
                            {t('bundles.departments', {
                              n: new Set(b.members.map((m) => m.departmentName)).size,
                            })}
                          </Tag>
                        </Space>
                        <div style={{ marginTop: 12 }}>
                          <Link
                            to={`/bundles/${encodeURIComponent(b.code)}`}
                            aria-label={t('common.pair', { label: t('bundles.open'), value: bundleName(b, lang) })}
                          >
                            {t('bundles.open')}
                          </Link>
                        </div>
                      </Card>
                    </Col>
                  );
                })}
            </Row>
          </section>
        ))}
      </Space>
    </ElderFriendly>
  );
}
