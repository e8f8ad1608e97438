import { Alert, Button, Card, Form, Input, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, applyFormError } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { rules } from './validators.ts';

type Kind = 'person' | 'enterprise';

interface RegisterAnswer {
  id: string;
  type: Kind;
  username: string;
}

function RegisterForm({ kind }: { kind: Kind }) {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async (v: Record<string, string>) => {
    setError(null);
    setBusy(true);
    try {
      const body =
        kind === 'person'
          ? {
              type: 'person',
              name: v.name.trim(),
              idNumber: v.idNumber.trim().toUpperCase(),
              phone: v.phone.trim(),
              password: v.password,
            }
          : {
              type: 'enterprise',
              enterpriseName: v.enterpriseName.trim(),
              creditCode: v.creditCode.trim().toUpperCase(),
              agentName: v.agentName.trim(),
              agentIdNumber: v.agentIdNumber.trim().toUpperCase(),
              agentPhone: v.agentPhone.trim(),
              password: v.password,
            };
      const res = await api.post<RegisterAnswer>('/identity/register', body);
      navigate('/login', { state: { registered: t('register.success', { username: res.username }) } });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) setError(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form name={kind} form={form} layout="vertical" onFinish={onFinish} scrollToFirstError>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      {kind === 'person' ? (
        <>
          <Form.Item label={t('register.name')} name="name" rules={[rules.required(t)]}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item label={t('register.idNumber')} name="idNumber" rules={rules.idNumber(t)}>
            <Input maxLength={18} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('register.phone')} name="phone" rules={rules.phone(t)}>
            <Input maxLength={11} inputMode="tel" autoComplete="tel" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item label={t('register.enterpriseName')} name="enterpriseName" rules={[rules.required(t)]}>
            <Input autoComplete="organization" />
          </Form.Item>
          <Form.Item label={t('register.creditCode')} name="creditCode" rules={rules.creditCode(t)}>
            <Input maxLength={18} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('register.agentName')} name="agentName" rules={[rules.required(t)]}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item label={t('register.agentIdNumber')} name="agentIdNumber" rules={rules.idNumber(t)}>
            <Input maxLength={18} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('register.agentPhone')} name="agentPhone" rules={rules.phone(t)}>
            <Input maxLength={11} inputMode="tel" autoComplete="tel" />
          </Form.Item>
        </>
      )}
      <Form.Item
        label={t('register.password')}
        name="password"
        rules={rules.password(t)}
        extra={t('register.passwordHelp')}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t('register.confirm')}
        name="confirm"
        dependencies={['password']}
        rules={[
          { required: true, message: t('form.required') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('password') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('register.confirmMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('register.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}

export function RegisterPage() {
  const { t } = usePrefs();
  return (
    <div className="yw-narrow">
      <Card>
        <Typography.Title level={1} style={{ fontSize: 26 }}>
          {t('register.title')}
        </Typography.Title>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'person', label: t('register.person'), children: <RegisterForm kind="person" /> },
            { key: 'enterprise', label: t('register.enterprise'), children: <RegisterForm kind="enterprise" /> },
          ]}
        />
        <Typography.Paragraph>
          {t('register.haveAccount')} <Link to="/login">{t('nav.login')}</Link>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
