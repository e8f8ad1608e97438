import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, applyFormError, errorText } from '../../api.ts';
import { type Me, useMe, useSignOut } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { rules } from './validators.ts';

interface Agent {
  id: string;
  name: string;
  idNumberMasked: string;
  phoneMasked: string;
  createdAt: string;
}

export function realNameText(level: Me['account']['realNameLevel'], t: (k: MessageKey) => string): string {
  if (level === null || level === undefined || level === '') return t('account.realName.none');
  const key = `account.realName.${level}` as MessageKey;
  const s = t(key);
  return s === key ? String(level) : s;
}

function AgentsCard() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const agents = useQuery({
    queryKey: ['agents'],
    queryFn: () => api.get<{ items: Agent[] }>('/identity/agents'),
  });
  const add = useMutation({
    mutationFn: (v: { name: string; idNumber: string; phone: string }) => api.post('/identity/agents', v),
    onSuccess: () => {
      message.success(t('common.saved'));
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['agents'] });
    },
    onError: (e) => {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    },
  });

  return (
    <Card
      title={<h2 className="yw-card-title">{t('account.agents')}</h2>}
      extra={
        <Button type="primary" onClick={() => setOpen(true)}>
          {t('account.addAgent')}
        </Button>
      }
      style={{ marginTop: 24 }}
    >
      {agents.isError && <Alert type="error" showIcon title={errorText(agents.error, lang)} />}
      <Table<Agent>
        rowKey="id"
        loading={agents.isPending}
        dataSource={agents.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('register.name'), dataIndex: 'name' },
          { title: t('register.idNumber'), dataIndex: 'idNumberMasked' },
          { title: t('register.phone'), dataIndex: 'phoneMasked' },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : ''),
          },
        ]}
      />
      <Modal
        title={t('account.addAgent')}
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={add.isPending}
        forceRender
      >
        <Form name="agent" form={form} layout="vertical" onFinish={(v) => add.mutate(v)}>
          <Form.Item label={t('register.name')} name="name" rules={[rules.required(t)]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('register.idNumber')} name="idNumber" rules={rules.idNumber(t)}>
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item label={t('register.phone')} name="phone" rules={rules.phone(t)}>
            <Input maxLength={11} inputMode="tel" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function AccountPage() {
  const { t, lang } = usePrefs();
  const me = useMe();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const { message } = AntApp.useApp();
  const account = me.data?.account;
  if (!account) return null;

  const typeLabel = t(`account.type.${account.type}` as MessageKey);
  const items = [
    {
      key: 'name',
      label: account.type === 'enterprise' ? t('register.enterpriseName') : t('register.name'),
      children: account.name,
    },
    { key: 'username', label: t('login.username'), children: account.username },
    { key: 'type', label: t('account.typeLabel'), children: typeLabel },
    {
      key: 'realName',
      label: t('account.realNameLevel'),
      children: <Tag color="blue">{realNameText(account.realNameLevel, t)}</Tag>,
    },
    ...(account.idNumberMasked ? [{ key: 'id', label: t('register.idNumber'), children: account.idNumberMasked }] : []),
    ...(account.creditCode ? [{ key: 'cc', label: t('register.creditCode'), children: account.creditCode }] : []),
    ...(account.phoneMasked ? [{ key: 'phone', label: t('register.phone'), children: account.phoneMasked }] : []),
    {
      key: 'totp',
      label: t('security.totp'),
      children: account.totpEnabled ? (
        <Tag color="green">{t('security.totpOn')}</Tag>
      ) : (
        <Tag color="default">{t('security.totpOff')}</Tag>
      ),
    },
  ];

  const doSignOut = async (all: boolean) => {
    try {
      await signOut(all);
      message.success(all ? t('account.signedOutAll') : t('account.signedOut'));
      navigate('/');
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 26 }}>
        {t('account.title')}
      </Typography.Title>
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} items={items} bordered />
        <Space wrap style={{ marginTop: 24 }}>
          <Button onClick={() => navigate('/account/security')}>{t('nav.security')}</Button>
          {account.type === 'staff' && <Button onClick={() => navigate('/workbench')}>{t('nav.workbench')}</Button>}
          <Button danger onClick={() => void doSignOut(false)}>
            {t('account.logout')}
          </Button>
          <Button danger onClick={() => void doSignOut(true)}>
            {t('account.logoutAll')}
          </Button>
        </Space>
      </Card>
      {account.type === 'enterprise' && <AgentsCard />}
    </>
  );
}
