import { CopyOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, applyFormError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { PageTitle } from './common.tsx';

interface Client {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowIdNumber: boolean;
  createdAt: string;
}

function lines(v?: string): string[] {
  return (v ?? '')
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function urlLines(t: (k: 'ssoClients.uriInvalid') => string, required: boolean) {
  return {
    validator: async (_: unknown, v?: string) => {
      const list = lines(v);
      if (required && list.length === 0) throw new Error(t('ssoClients.uriInvalid'));
      for (const u of list) {
        try {
          const url = new URL(u);
          if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('proto');
        } catch {
          throw new Error(t('ssoClients.uriInvalid'));
        }
      }
    },
  };
}

export default function SsoClientsPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [form] = Form.useForm();
  const clients = useQuery({
    queryKey: ['sso-clients'],
    queryFn: () => api.get<{ items: Client[] }>('/identity/clients'),
  });

  const create = async (v: {
    name: string;
    redirectUris: string;
    postLogoutRedirectUris?: string;
    allowIdNumber?: boolean;
  }) => {
    setBusy(true);
    try {
      const post = lines(v.postLogoutRedirectUris);
      const res = await api.post<{ clientId: string; clientSecret: string }>('/identity/clients', {
        name: v.name.trim(),
        redirectUris: lines(v.redirectUris),
        ...(post.length ? { postLogoutRedirectUris: post } : {}),
        allowIdNumber: !!v.allowIdNumber,
      });
      setOpen(false);
      form.resetFields();
      setSecret(res);
      void qc.invalidateQueries({ queryKey: ['sso-clients'] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (c: Client) => {
    try {
      await api.del(`/identity/clients/${encodeURIComponent(c.clientId)}`);
      message.success(t('common.deleted'));
      void qc.invalidateQueries({ queryKey: ['sso-clients'] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      message.success(t('common.copied'));
    } catch {
      message.error(t('common.copyFailed'));
    }
  };

  return (
    <>
      <PageTitle>{t('admin.menu.sso-clients')}</PageTitle>
      <div className="yw-toolbar">
        <Button type="primary" onClick={() => setOpen(true)}>
          {t('ssoClients.create')}
        </Button>
      </div>
      {clients.isError && (
        <Alert type="error" showIcon title={errorText(clients.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Table<Client>
        rowKey="clientId"
        loading={clients.isFetching}
        dataSource={clients.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('ssoClients.name'), dataIndex: 'name' },
          { title: 'Client ID', dataIndex: 'clientId', render: (v: string) => <code>{v}</code> },
          {
            title: t('ssoClients.redirectUris'),
            dataIndex: 'redirectUris',
            render: (us: string[]) => (
              <ul className="yw-plain-list">
                {us.map((u) => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            ),
          },
          {
            title: t('ssoClients.allowIdNumber'),
            dataIndex: 'allowIdNumber',
            render: (a: boolean) => (a ? <Tag color="orange">{t('common.yes')}</Tag> : t('common.no')),
          },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : ''),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, c) => (
              <Popconfirm title={t('ssoClients.deleteConfirm', { name: c.name })} onConfirm={() => void remove(c)}>
                <Button size="small" danger aria-label={`${t('common.delete')} ${c.name}`}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('ssoClients.create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
        width={640}
      >
        <Form name="ssoClient" form={form} layout="vertical" onFinish={create} initialValues={{ allowIdNumber: false }}>
          <Form.Item
            label={t('ssoClients.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('ssoClients.redirectUris')}
            name="redirectUris"
            extra={t('ssoClients.uriHelp')}
            rules={[{ required: true, message: t('form.required') }, urlLines(t, true)]}
          >
            <Input.TextArea rows={3} spellCheck={false} />
          </Form.Item>
          <Form.Item
            label={t('ssoClients.postLogoutRedirectUris')}
            name="postLogoutRedirectUris"
            extra={t('ssoClients.uriHelp')}
            rules={[urlLines(t, false)]}
          >
            <Input.TextArea rows={2} spellCheck={false} />
          </Form.Item>
          <Form.Item
            label={t('ssoClients.allowIdNumber')}
            name="allowIdNumber"
            valuePropName="checked"
            extra={t('ssoClients.allowIdNumberHelp')}
          >
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={secret !== null}
        title={t('ssoClients.secretTitle')}
        closable={false}
        mask={{ closable: false }}
        onOk={() => setSecret(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('ssoClients.secretSaved')}
        width={640}
      >
        <Alert
          type="warning"
          showIcon
          title={t('ssoClients.secretWarning')}
          style={{ marginBottom: 16 }}
          role="alert"
        />
        {secret && (
          <Descriptions
            column={1}
            bordered
            items={[
              {
                key: 'id',
                label: 'Client ID',
                children: (
                  <Space wrap>
                    <code>{secret.clientId}</code>
                    <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(secret.clientId)}>
                      {t('ssoClients.copyId')}
                    </Button>
                  </Space>
                ),
              },
              {
                key: 'secret',
                label: 'Client Secret',
                children: (
                  <Space wrap>
                    <code style={{ wordBreak: 'break-all' }}>{secret.clientSecret}</code>
                    <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(secret.clientSecret)}>
                      {t('ssoClients.copySecret')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Modal>
    </>
  );
}
