/** /admin/trust-list — 信任列表: this node's trust list to hand to others, and other nodes' CA certificates trusted here. */
import { CopyOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { PageTitle } from '../admin/common.tsx';
import { copyText, dateTime, labelOf, type TrustAnchor, type TrustList } from './model.ts';
import './licences.css';

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates (and node name) of a pasted trust list: its JSON, or plain PEM blocks. */
export function parseTrustList(text: string): { node?: string; certificates: string[] } | null {
  const s = text.trim();
  if (!s) return null;
  if (s.startsWith('{')) {
    try {
      const v = JSON.parse(s) as Partial<TrustList>;
      const certs = Array.isArray(v.certificates)
        ? v.certificates.filter((c) => typeof c === 'string' && c.includes('BEGIN CERTIFICATE'))
        : [];
      return certs.length ? { node: typeof v.node === 'string' ? v.node : undefined, certificates: certs } : null;
    } catch {
      return null;
    }
  }
  const pems = s.match(PEM_RE) ?? [];
  return pems.length ? { certificates: pems } : null;
}

interface ImportForm {
  list: string;
  node: string;
  regionCode?: string;
}

export default function AdminTrustPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const own = useQuery({
    queryKey: ['licences', 'trust-list'],
    queryFn: () => api.get<TrustList>('/licences/trust-list'),
  });
  const anchors = useQuery({
    queryKey: ['licences', 'anchors'],
    queryFn: () => api.get<TrustAnchor[]>('/licences/trust-anchors'),
  });
  const [form] = Form.useForm<ImportForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ownJson = own.data ? JSON.stringify(own.data, null, 2) : '';

  const copy = async (text: string) => {
    if (await copyText(text)) message.success(t('common.copied'));
    else message.warning(t('common.copyFailed'));
  };

  const importList = async (v: ImportForm) => {
    const parsed = parseTrustList(v.list);
    if (!parsed) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ added: number }>('/licences/trust-anchors', {
        node: v.node.trim(),
        regionCode: v.regionCode?.trim() || null,
        certificates: parsed.certificates,
      });
      message.success(t('licences.trust.imported', { n: r.added }));
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['licences', 'anchors'] });
    } catch (e) {
      if (e instanceof ApiError && e.field && (e.field === 'node' || e.field === 'regionCode'))
        form.setFields([{ name: e.field, errors: [e.text(lang)] }]);
      else if (e instanceof ApiError && e.field?.startsWith('certificates'))
        form.setFields([{ name: 'list', errors: [e.text(lang)] }]);
      else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (a: TrustAnchor) => {
    try {
      await api.del(`/licences/trust-anchors/${encodeURIComponent(a.id)}`);
      message.success(t('licences.trust.removed'));
      void qc.invalidateQueries({ queryKey: ['licences', 'anchors'] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  return (
    <>
      <PageTitle>{t('admin.menu.trust-list')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('licences.trust.intro')}</Typography.Paragraph>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card
          title={<h2 className="yw-card-title">{t('licences.trust.own')}</h2>}
          extra={
            own.data ? (
              <Button icon={<CopyOutlined aria-hidden />} onClick={() => void copy(ownJson)}>
                {t('licences.trust.copyOwn')}
              </Button>
            ) : null
          }
        >
          <Typography.Paragraph type="secondary">{t('licences.trust.ownHint')}</Typography.Paragraph>
          {own.error ? <Alert type="error" showIcon title={errorText(own.error, lang)} /> : null}
          {own.data ? (
            <pre className="yw-json" data-testid="own-trust-list">
              {ownJson}
            </pre>
          ) : null}
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.trust.import')}</h2>}>
          <Form<ImportForm>
            form={form}
            name="trustImport"
            layout="vertical"
            onFinish={(v) => void importList(v)}
            onValuesChange={(changed) => {
              if (typeof changed.list === 'string') {
                const p = parseTrustList(changed.list);
                if (p?.node && !form.getFieldValue('node')) form.setFieldsValue({ node: p.node });
              }
            }}
          >
            <Form.Item
              label={t('licences.trust.list')}
              name="list"
              extra={t('licences.trust.listHint')}
              rules={[
                {
                  validator: async (_: unknown, v?: string) => {
                    if (!parseTrustList(v ?? '')) throw new Error(t('licences.trust.listInvalid'));
                  },
                },
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 5, maxRows: 14 }}
                spellCheck={false}
                style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace' }}
              />
            </Form.Item>
            <Space wrap size="middle">
              <Form.Item
                label={t('licences.trust.node')}
                name="node"
                rules={[{ required: true, whitespace: true, message: t('form.required') }]}
              >
                <Input maxLength={100} style={{ width: 260 }} />
              </Form.Item>
              <Form.Item
                label={t('licences.trust.regionCode')}
                name="regionCode"
                rules={[{ pattern: /^\d{6}(\d{3}|\d{6})?$/, message: t('regions.codeInvalid') }]}
              >
                <Input maxLength={12} inputMode="numeric" style={{ width: 160 }} />
              </Form.Item>
            </Space>
            {error ? <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} /> : null}
            <div>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('licences.trust.importOk')}
              </Button>
            </div>
          </Form>
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.trust.anchors')}</h2>}>
          {anchors.error ? (
            <Alert type="error" showIcon title={errorText(anchors.error, lang)} style={{ marginBottom: 16 }} />
          ) : null}
          <Table<TrustAnchor>
            rowKey="id"
            size="small"
            loading={anchors.isFetching}
            dataSource={anchors.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('licences.trust.none') }}
            columns={[
              { title: t('licences.trust.node'), dataIndex: 'nodeName' },
              {
                title: t('licences.trust.regionCode'),
                dataIndex: 'regionCode',
                render: (v: string | null) => v ?? '—',
              },
              { title: t('licences.trust.subject'), dataIndex: 'subject' },
              {
                title: t('licences.seals.fingerprint'),
                dataIndex: 'fingerprint',
                render: (v: string) => <code className="yw-licence-code">{v}</code>,
              },
              { title: t('licences.trust.notAfter'), dataIndex: 'notAfter', render: (v: string) => dateTime(v) },
              {
                title: t('licences.f.status'),
                dataIndex: 'status',
                render: (v: string) => (
                  <Tag color={v === 'active' ? 'success' : 'default'}>{labelOf(t, 'licences.anchorStatus', v)}</Tag>
                ),
              },
              { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v) },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_: unknown, a) =>
                  a.status === 'active' ? (
                    <Popconfirm
                      title={t('licences.trust.removeConfirm', { node: a.nodeName })}
                      okText={t('licences.trust.remove')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => remove(a)}
                    >
                      <Button size="small" danger aria-label={t('licences.trust.removeOf', { node: a.nodeName })}>
                        {t('licences.trust.remove')}
                      </Button>
                    </Popconfirm>
                  ) : null,
              },
            ]}
          />
        </Card>
      </Space>
    </>
  );
}
