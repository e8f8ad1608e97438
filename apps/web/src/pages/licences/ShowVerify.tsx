/** /verify/show/:token — what a verifier sees after scanning a holder's 亮证 QR code (no sign-in). */
import { ClockCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Result, Space, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import type { VerifyAnswer } from './model.ts';
import { VerifyResult } from './VerifyResult.tsx';

export default function ShowVerifyPage() {
  const { token = '' } = useParams();
  const { t, lang } = usePrefs();
  const answer = useQuery({
    queryKey: ['licences', 'show', token],
    queryFn: () => api.get<VerifyAnswer>(`/licences/show/${encodeURIComponent(token)}`),
    retry: false,
    staleTime: 0,
  });
  const e = answer.error;
  return (
    <ElderFriendly>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Title level={1} className="yw-page-title">
          {t('licences.showVerify.title')}
        </Typography.Title>
        {answer.isLoading ? <Card loading /> : null}
        {e instanceof ApiError && e.status === 410 ? (
          <Result
            status="warning"
            icon={<ClockCircleOutlined aria-hidden />}
            title={t('licences.showVerify.expired')}
            subTitle={t('licences.showVerify.expiredHint')}
            extra={<Link to="/verify">{t('licences.showVerify.toVerify')}</Link>}
          />
        ) : e instanceof ApiError && e.status === 404 ? (
          <Result
            status="404"
            title={t('licences.showVerify.unknown')}
            subTitle={errorText(e, lang)}
            extra={<Link to="/verify">{t('licences.showVerify.toVerify')}</Link>}
          />
        ) : e ? (
          <Result status="error" title={t('common.loadFailed')} subTitle={errorText(e, lang)} />
        ) : null}
        {answer.data ? (
          <>
            <Typography.Paragraph type="secondary">{t('licences.showVerify.intro')}</Typography.Paragraph>
            <VerifyResult answer={answer.data} />
          </>
        ) : null}
      </Space>
    </ElderFriendly>
  );
}
