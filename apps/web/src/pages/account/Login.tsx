import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, applyFormError, setCsrfToken } from '../../api.ts';
import { type Account, ME_KEY } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';

interface LoginAnswer {
  account: Account;
  csrfToken: string;
  mfaEnrollmentRequired: boolean;
}

interface LoginValues {
  username: string;
  password: string;
  totp?: string;
}

/** Only same-site absolute paths are accepted as return targets (no open redirects). */
export function safeReturnTo(v: string | null): string | null {
  if (!v?.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return null;
  return v;
}

/** Paths served by the server (not the SPA) must be loaded with a full navigation. */
export function isServerPath(p: string): boolean {
  return /^\/(oidc|api|\.well-known)(\/|$|\?)/.test(p);
}

export function LoginPage() {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm<LoginValues>();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);
  const returnTo = safeReturnTo(params.get('returnTo'));
  const flash = (location.state as { registered?: string } | null)?.registered;

  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);

  const onFinish = async (values: LoginValues) => {
    setError(null);
    setBusy(true);
    try {
      const body: LoginValues = { username: values.username.trim(), password: values.password };
      if (needTotp && values.totp) body.totp = values.totp.trim();
      const res = await api.post<LoginAnswer>('/identity/login', body);
      setCsrfToken(res.csrfToken);
      await qc.invalidateQueries({ queryKey: ME_KEY });
      if (res.mfaEnrollmentRequired) {
        navigate('/account/security', { replace: true });
      } else if (returnTo && isServerPath(returnTo)) {
        window.location.assign(returnTo);
      } else if (returnTo && returnTo !== '/login') {
        navigate(returnTo, { replace: true });
      } else {
        navigate(res.account.type === 'staff' ? '/workbench' : '/account', { replace: true });
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') {
        if (needTotp) {
          form.setFields([{ name: 'totp', errors: [e.text(lang)] }]);
        } else {
          setNeedTotp(true);
        }
      } else {
        const text = applyFormError(form, e, lang);
        if (text) setError(text);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="yw-narrow">
      <Card>
        <Typography.Title level={1} style={{ fontSize: 26 }}>
          {t('login.title')}
        </Typography.Title>
        {flash && <Alert type="success" showIcon title={flash} style={{ marginBottom: 16 }} />}
        {needTotp && <Alert type="info" showIcon title={t('login.totpHint')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form name="login" form={form} layout="vertical" onFinish={onFinish}>
          <Form.Item
            label={t('login.username')}
            name="username"
            extra={t('login.usernameHelp')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {needTotp && (
            <Form.Item
              label={t('login.totp')}
              name="totp"
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpInvalid') }]}
            >
              <Input
                ref={(el) => {
                  totpRef.current = el?.input ?? null;
                }}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
              />
            </Form.Item>
          )}
          <Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph>
          {t('login.noAccount')} <Link to="/register">{t('nav.register')}</Link>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
