import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, List, Result, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { Loading } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

interface Interaction {
  uid: string;
  prompt: 'login' | 'consent';
  client: { clientId: string; name: string };
  scopes: string[];
  claims: string[];
}

const KNOWN_SCOPES = ['openid', 'profile', 'phone', 'id_number'];

export function ConsentPage() {
  const { uid = '' } = useParams();
  const { t, lang } = usePrefs();
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['interaction', uid],
    queryFn: () => api.get<Interaction>(`/identity/oidc/interactions/${encodeURIComponent(uid)}`),
    retry: false,
  });

  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 401) {
      return <Navigate to={`/login?returnTo=${encodeURIComponent(`/sso/consent/${uid}`)}`} replace />;
    }
    return <Result status="warning" title={t('consent.invalid')} subTitle={errorText(q.error, lang)} />;
  }
  const it = q.data;

  const decide = async (approve: boolean) => {
    setBusy(approve ? 'approve' : 'deny');
    setError(null);
    try {
      const res = await api.post<{ redirectTo: string }>(
        `/identity/oidc/interactions/${encodeURIComponent(uid)}/consent`,
        { approve },
      );
      window.location.assign(res.redirectTo);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        window.location.assign(`/login?returnTo=${encodeURIComponent(`/sso/consent/${uid}`)}`);
        return;
      }
      setError(errorText(e, lang));
      setBusy(null);
    }
  };

  const scopes = it.scopes.length ? it.scopes : ['openid'];
  return (
    <div className="yw-narrow">
      <Card>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {t('consent.title', { app: it.client.name || it.client.clientId })}
        </Typography.Title>
        <Typography.Paragraph>{t('consent.intro', { app: it.client.name || it.client.clientId })}</Typography.Paragraph>
        <List
          bordered
          dataSource={scopes}
          renderItem={(s) => (
            <List.Item>
              <List.Item.Meta
                title={
                  <Space>
                    <span>{KNOWN_SCOPES.includes(s) ? t(`consent.scope.${s}` as MessageKey) : s}</span>
                    <Tag>{s}</Tag>
                  </Space>
                }
                description={KNOWN_SCOPES.includes(s) ? t(`consent.scopeBody.${s}` as MessageKey) : undefined}
              />
            </List.Item>
          )}
        />
        {scopes.includes('id_number') && (
          <Alert type="warning" showIcon title={t('consent.idNumberWarning')} style={{ marginTop: 16 }} />
        )}
        {it.claims.length > 0 && (
          <Typography.Paragraph style={{ marginTop: 16 }}>
            {t('consent.claims')}: {it.claims.join(', ')}
          </Typography.Paragraph>
        )}
        <Typography.Paragraph style={{ marginTop: 16 }}>
          {t('consent.clientId')}: <code>{it.client.clientId}</code>
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Space wrap>
          <Button
            type="primary"
            size="large"
            loading={busy === 'approve'}
            disabled={!!busy}
            onClick={() => void decide(true)}
          >
            {t('consent.approve')}
          </Button>
          <Button size="large" loading={busy === 'deny'} disabled={!!busy} onClick={() => void decide(false)}>
            {t('consent.deny')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
