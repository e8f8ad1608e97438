import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Form, Select, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { type Page, PageTitle } from '../admin/common.tsx';

interface OutboxRow {
  id: string;
  notificationId: string;
  recipientAccountId: string;
  channel: 'email' | 'sms';
  status: 'pending' | 'sent' | 'outbox' | 'no_address' | 'failed';
  addressMasked: string | null;
  subject: string;
  body: string;
  providerId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const STATUS_COLORS: Record<string, string> = {
  pending: 'blue',
  sent: 'green',
  outbox: 'purple',
  no_address: 'default',
  failed: 'red',
};
const STATUSES = ['pending', 'sent', 'outbox', 'no_address', 'failed'] as const;

/** /admin/outbox — e-mail and SMS notices and what happened to them (permission notifications.outbox). */
export default function OutboxPage() {
  const { t, lang } = usePrefs();
  const [channel, setChannel] = useState<'email' | 'sms' | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const q = useQuery({
    queryKey: ['notifications', 'outbox', channel, status, page, pageSize],
    queryFn: () => api.get<Page<OutboxRow>>('/notifications/outbox', { channel, status, page, pageSize }),
    placeholderData: keepPreviousData,
  });
  const fmt = (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : '');

  return (
    <>
      <PageTitle>{t('onestop.outbox.title')}</PageTitle>
      <Alert type="info" showIcon title={t('onestop.outbox.hint')} style={{ marginBottom: 16 }} />
      <Form layout="inline" className="yw-toolbar">
        <Form.Item label={t('onestop.outbox.channel')} htmlFor="outbox-channel">
          <Select
            id="outbox-channel"
            allowClear
            style={{ width: 140 }}
            value={channel}
            onChange={(v) => {
              setChannel(v);
              setPage(1);
            }}
            options={(['sms', 'email'] as const).map((c) => ({ value: c, label: t(`onestop.outbox.channel.${c}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('onestop.outbox.status')} htmlFor="outbox-status">
          <Select
            id="outbox-status"
            allowClear
            style={{ width: 200 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`onestop.outbox.status.${s}` as MessageKey) }))}
          />
        </Form.Item>
      </Form>
      {q.isError && <Alert type="error" showIcon title={errorText(q.error, lang)} style={{ marginBottom: 16 }} />}
      <Table<OutboxRow>
        rowKey="id"
        size="small"
        loading={q.isFetching}
        dataSource={q.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: q.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        expandable={{
          expandedRowRender: (r) => (
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 'body',
                  label: t('onestop.outbox.body'),
                  children: <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{r.body}</pre>,
                },
                { key: 'provider', label: t('onestop.outbox.providerId'), children: r.providerId ?? '' },
                { key: 'error', label: t('onestop.outbox.lastError'), children: r.lastError ?? '' },
                { key: 'attempts', label: t('onestop.outbox.attempts'), children: r.attempts },
              ]}
            />
          ),
        }}
        columns={[
          { title: t('onestop.outbox.createdAt'), dataIndex: 'createdAt', render: fmt },
          {
            title: t('onestop.outbox.channel'),
            dataIndex: 'channel',
            render: (c: 'sms' | 'email') => t(`onestop.outbox.channel.${c}`),
          },
          { title: t('onestop.outbox.address'), dataIndex: 'addressMasked', render: (v: string | null) => v ?? '' },
          { title: t('onestop.outbox.subject'), dataIndex: 'subject' },
          {
            title: t('onestop.outbox.status'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag color={STATUS_COLORS[s] ?? 'default'}>{t(`onestop.outbox.status.${s}` as MessageKey)}</Tag>
            ),
          },
          { title: t('onestop.outbox.deliveredAt'), dataIndex: 'deliveredAt', render: fmt },
        ]}
      />
    </>
  );
}
