import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Input, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, applyFormError } from '../../api.ts';
import { ME_KEY, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { rules } from './validators.ts';

interface Enrollment {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

function PasswordCard() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const onFinish = async (v: { oldPassword: string; newPassword: string }) => {
    setBusy(true);
    try {
      await api.post('/identity/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
      message.success(t('security.passwordChanged'));
      form.resetFields();
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h2 className="yw-card-title">{t('security.changePassword')}</h2>} style={{ marginTop: 24 }}>
      <Form name="password" form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 480 }}>
        <Form.Item
          label={t('security.oldPassword')}
          name="oldPassword"
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('security.newPassword')} name="newPassword" rules={rules.password(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('security.confirmNewPassword')}
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('form.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('register.confirmMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('security.changePasswordSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

function TotpCard() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const enabled = !!me.data?.account.totpEnabled;
  const wasRequired = !!me.data?.mfaEnrollmentRequired;

  const enroll = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrollment(await api.post<Enrollment>('/identity/totp/enroll'));
    } catch (e) {
      setError(applyFormError(form, e, lang));
    } finally {
      setBusy(false);
    }
  };

  const activate = async (v: { code: string }) => {
    setBusy(true);
    try {
      await api.post('/identity/totp/activate', { code: v.code.trim() });
      message.success(t('security.totpActivated'));
      setEnrollment(null);
      form.resetFields();
      await qc.invalidateQueries({ queryKey: ME_KEY });
      if (wasRequired) {
        const type = me.data?.account.type;
        navigate(type === 'staff' ? '/workbench' : '/account');
      }
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) form.setFields([{ name: 'code', errors: [text] }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<h2 className="yw-card-title">{t('security.totp')}</h2>}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      {enabled && !enrollment ? (
        <Space orientation="vertical">
          <Alert type="success" showIcon title={t('security.totpOn')} />
          <Button onClick={() => void enroll()} loading={busy}>
            {t('security.totpReenroll')}
          </Button>
        </Space>
      ) : !enrollment ? (
        <Space orientation="vertical">
          <Typography.Paragraph>{t('security.totpIntro')}</Typography.Paragraph>
          <Button type="primary" onClick={() => void enroll()} loading={busy}>
            {t('security.totpStart')}
          </Button>
        </Space>
      ) : (
        <>
          <Steps
            orientation="vertical"
            size="small"
            current={1}
            items={[
              { title: t('security.totpStep1'), content: t('security.totpStep1Body') },
              { title: t('security.totpStep2'), content: t('security.totpStep2Body') },
            ]}
            style={{ marginBottom: 16 }}
          />
          <Space align="start" wrap size="large">
            <img className="yw-qr" src={enrollment.qrDataUrl} alt={t('security.qrAlt')} />
            <div>
              <Typography.Paragraph>{t('security.secretLabel')}</Typography.Paragraph>
              <Typography.Paragraph copyable={{ text: enrollment.secret }}>
                <code style={{ fontSize: '1.1em', wordBreak: 'break-all' }}>{enrollment.secret}</code>
              </Typography.Paragraph>
              <Form name="totp" form={form} layout="vertical" onFinish={activate} style={{ maxWidth: 320 }}>
                <Form.Item
                  label={t('login.totp')}
                  name="code"
                  rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpInvalid') }]}
                >
                  <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
                </Form.Item>
                <Space>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('security.totpActivate')}
                  </Button>
                  <Button onClick={() => setEnrollment(null)}>{t('common.cancel')}</Button>
                </Space>
              </Form>
            </div>
          </Space>
        </>
      )}
    </Card>
  );
}

export function SecurityPage() {
  const { t } = usePrefs();
  const me = useMe();
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 26 }}>
        {t('nav.security')}
      </Typography.Title>
      {me.data?.mfaEnrollmentRequired && (
        <Alert type="warning" showIcon title={t('security.mfaRequired')} style={{ marginBottom: 24 }} role="alert" />
      )}
      <TotpCard />
      <PasswordCard />
    </>
  );
}
