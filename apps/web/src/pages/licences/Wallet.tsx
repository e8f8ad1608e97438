/** /my/licences — the holder's wallet (我的证照): every licence issued to the account or its ID number / credit code. */
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Space, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import { StatusTag } from './bits.tsx';
import { type LicenceView, typeNameOf, validityText } from './model.ts';

export default function WalletPage() {
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['licences', 'mine'],
    queryFn: () => api.get<LicenceView[]>('/licences/mine'),
  });
  const items = list.data ?? [];
  return (
    <ElderFriendly>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Title level={1} className="yw-page-title">
          {t('licences.wallet.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('licences.wallet.intro')}</Typography.Paragraph>
        {list.error ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
        {list.isLoading ? <Card loading /> : null}
        {list.isSuccess && !items.length ? (
          <Empty description={t('licences.wallet.empty')}>
            <Button type="primary" onClick={() => navigate('/services')}>
              {t('licences.wallet.goServices')}
            </Button>
          </Empty>
        ) : null}
        {items.length ? (
          <ul
            className="yw-licence-grid"
            aria-label={t('licences.wallet.title')}
            style={{ listStyle: 'none', padding: 0 }}
          >
            {items.map((l) => {
              const name = typeNameOf(l, lang);
              const headingId = `yw-licence-${l.id}`;
              return (
                <li key={l.id}>
                  <Card
                    className="yw-licence-card"
                    role="article"
                    aria-labelledby={headingId}
                    title={
                      <Space wrap>
                        <SafetyCertificateOutlined aria-hidden />
                        <span id={headingId}>{name}</span>
                      </Space>
                    }
                    extra={<StatusTag status={l.effectiveStatus} />}
                    actions={[
                      <Link
                        key="open"
                        to={`/my/licences/${encodeURIComponent(l.id)}`}
                        aria-label={t('licences.wallet.openOf', { name, number: l.licenceNumber })}
                      >
                        {t('licences.wallet.open')}
                      </Link>,
                    ]}
                  >
                    <dl>
                      <dt>{t('licences.f.number')}</dt>
                      <dd>{l.licenceNumber}</dd>
                      <dt>{t('licences.f.issuer')}</dt>
                      <dd>{l.issuerName}</dd>
                      <dt>{t('licences.f.validity')}</dt>
                      <dd>{validityText(t, l.validFrom, l.validTo)}</dd>
                      {l.version > 1 ? (
                        <>
                          <dt>{t('licences.f.version')}</dt>
                          <dd>{t('licences.versionN', { n: l.version })}</dd>
                        </>
                      ) : null}
                    </dl>
                  </Card>
                </li>
              );
            })}
          </ul>
        ) : null}
      </Space>
    </ElderFriendly>
  );
}
