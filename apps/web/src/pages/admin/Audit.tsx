import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Descriptions, Form, Input, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { type Page, PageTitle } from './common.tsx';

interface AuditEntry {
  seq: number | string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: 'success' | 'denied' | 'failure' | string;
  requestId: string | null;
  sourceIp: string | null;
  detail: unknown;
  /** Null for a moment after the write, until the chainer links the record. */
  hash: string | null;
}

interface Filters {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

const OUTCOME_COLORS: Record<string, string> = { success: 'green', denied: 'orange', failure: 'red' };

export default function AuditPage() {
  const { t, lang } = usePrefs();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const audit = useQuery({
    queryKey: ['audit', filters, page, pageSize],
    queryFn: () => api.get<Page<AuditEntry>>('/audit', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const outcomeTag = (o: string) => {
    const key = `audit.outcome.${o}` as MessageKey;
    const label = t(key) === key ? o : t(key);
    return <Tag color={OUTCOME_COLORS[o] ?? 'default'}>{label}</Tag>;
  };

  const onFinish = (v: Omit<Filters, 'from' | 'to'> & { range?: [Dayjs | null, Dayjs | null] | null }) => {
    const trim = (s?: string) => s?.trim() || undefined;
    setPage(1);
    setFilters({
      action: trim(v.action),
      actorId: trim(v.actorId),
      objectType: trim(v.objectType),
      objectId: trim(v.objectId),
      outcome: v.outcome || undefined,
      from: v.range?.[0]?.startOf('day').toISOString(),
      to: v.range?.[1]?.endOf('day').toISOString(),
    });
  };

  return (
    <>
      <PageTitle>{t('admin.menu.audit')}</PageTitle>
      <Form name="auditFilter" layout="inline" className="yw-toolbar" onFinish={onFinish}>
        <Form.Item label={t('audit.action')} name="action" tooltip={t('audit.actionHelp')}>
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item label={t('audit.outcome')} name="outcome">
          <Select
            allowClear
            style={{ width: 140 }}
            options={['success', 'denied', 'failure'].map((o) => ({
              value: o,
              label: t(`audit.outcome.${o}` as MessageKey),
            }))}
          />
        </Form.Item>
        <Form.Item label={t('audit.range')} name="range">
          <DatePicker.RangePicker aria-label={t('audit.range')} disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
        </Form.Item>
        <Form.Item label={t('audit.actorId')} name="actorId">
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item label={t('audit.objectType')} name="objectType">
          <Input allowClear style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('audit.objectId')} name="objectId">
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
            <Button htmlType="reset" onClick={() => setFilters({})}>
              {t('common.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {audit.isError && (
        <Alert type="error" showIcon title={errorText(audit.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Table<AuditEntry>
        rowKey={(r) => String(r.seq)}
        size="small"
        loading={audit.isFetching}
        dataSource={audit.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: audit.data?.total ?? 0,
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
                { key: 'req', label: t('audit.requestId'), children: r.requestId ?? '' },
                { key: 'ip', label: t('audit.sourceIp'), children: r.sourceIp ?? '' },
                {
                  key: 'hash',
                  label: t('audit.hash'),
                  children: r.hash ? <code style={{ wordBreak: 'break-all' }}>{r.hash}</code> : t('audit.hashPending'),
                },
                {
                  key: 'detail',
                  label: t('audit.detail'),
                  children: (
                    <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(r.detail ?? null, null, 2)}</pre>
                  ),
                },
              ]}
            />
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'seq', width: 80 },
          {
            title: t('audit.at'),
            dataIndex: 'at',
            render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss'),
          },
          {
            title: t('audit.actor'),
            key: 'actor',
            render: (_, r) => r.actorName ?? r.actorId ?? '',
          },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
          {
            title: t('audit.object'),
            key: 'object',
            render: (_, r) => [r.objectType, r.objectId].filter(Boolean).join(' / '),
          },
          { title: t('audit.outcome'), dataIndex: 'outcome', render: (o: string) => outcomeTag(o) },
        ]}
      />
    </>
  );
}
