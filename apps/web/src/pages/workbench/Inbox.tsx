/** Staff inbox of cases (GET /cases/inbox): filters, paging, nearest deadline first, counts per deadline status. */
import { ClockCircleOutlined, ExclamationCircleOutlined, FileSearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { hasPermission, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { CaseDeadline, StateTag } from './caseBits.tsx';
import {
  type CaseView,
  type DeadlineStatus,
  formatTime,
  type InboxPage as InboxResult,
  STATES,
  stateLabel,
  TERMINAL_STATES,
} from './caseModel.ts';

/** 待办 (open cases, the default), 已结束 (terminal: not accepted, delivered, withdrawn, voided) or all: GET /cases/inbox `view`. */
type View = 'open' | 'closed' | 'all';

interface Filters {
  state?: string;
  deadline?: DeadlineStatus;
  q?: string;
  departmentId?: string;
}

interface Department {
  id: string;
  name: string;
}

/** Departments the caller may filter by: those the department list shows within their case grants. */
function useCaseDepartments() {
  const me = useMe();
  const grants = (me.data?.grants ?? []).filter(
    (g) => g.permission === '*' || g.permission === 'cases.read' || g.permission === 'cases.handle',
  );
  return useQuery({
    queryKey: ['workbench', 'departments', me.data?.account.id],
    // The list is readable with an org.* grant only; without one there is no department filter.
    enabled: grants.length > 0 && hasPermission(me.data, ['org.']),
    retry: false,
    queryFn: async () => {
      const res = await api.get<{ items: Department[] }>('/org/departments');
      return res.items;
    },
  });
}

/**
 * Cases per deadline status, for the three cards (one request: GET /cases/inbox/counts), within the
 * view, keyword and department chosen (not the state or deadline filter: the cards pick a deadline).
 */
function useDeadlineCounts(view: View, f: Filters) {
  const params = { view, q: f.q, departmentId: f.departmentId };
  return useQuery({
    queryKey: ['cases', 'inbox', 'counts', params],
    queryFn: () => api.get<Record<DeadlineStatus, number>>('/cases/inbox/counts', params),
    placeholderData: keepPreviousData,
  });
}

function CountCard({
  status,
  view,
  filters,
  active,
  onPick,
}: {
  status: DeadlineStatus;
  view: View;
  filters: Filters;
  active: boolean;
  onPick: (s: DeadlineStatus | undefined) => void;
}) {
  const { t } = usePrefs();
  const counts = useDeadlineCounts(view, filters);
  const icon =
    status === 'overdue' ? (
      <ExclamationCircleOutlined aria-hidden />
    ) : status === 'warning' ? (
      <ClockCircleOutlined aria-hidden />
    ) : (
      <FileSearchOutlined aria-hidden />
    );
  return (
    <Button
      className={`yw-count yw-count-${status}`}
      aria-pressed={active}
      onClick={() => onPick(active ? undefined : status)}
      icon={icon}
      type={active ? 'primary' : 'default'}
      danger={status === 'overdue'}
    >
      <span>{t(`workbench.deadline.${status}`)}</span>
      <strong className="yw-count-n" data-testid={`count-${status}`}>
        {counts.isSuccess ? counts.data[status] : '…'}
      </strong>
    </Button>
  );
}

export function InboxPanel({ heading = true }: { heading?: boolean }) {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm<Filters>();
  const [view, setView] = useState<View>('open');
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const departments = useCaseDepartments();
  const inbox = useQuery({
    queryKey: ['cases', 'inbox', view, filters, page, pageSize],
    queryFn: () => api.get<InboxResult>('/cases/inbox', { view, ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });
  const viewStates = STATES.filter(
    (s) => s !== 'DRAFT' && (view === 'all' || (view === 'closed') === TERMINAL_STATES.includes(s)),
  );
  const depts = departments.data ?? [];

  const apply = (v: Filters) => {
    setFilters({
      state: v.state || undefined,
      deadline: v.deadline || undefined,
      q: v.q?.trim() || undefined,
      departmentId: v.departmentId || undefined,
    });
    setPage(1);
  };
  const pickDeadline = (d: DeadlineStatus | undefined) => {
    form.setFieldValue('deadline', d);
    apply({ ...form.getFieldsValue(), deadline: d });
  };

  return (
    <Card
      title={
        heading ? (
          <h2 className="yw-card-title" id="inbox-title">
            {t('workbench.inbox.title')}
          </h2>
        ) : undefined
      }
    >
      <Segmented<View>
        aria-label={t('workbench.inbox.view')}
        style={{ marginBottom: 16 }}
        value={view}
        onChange={(v) => {
          setView(v);
          // a state of the other view would list nothing; deadlines do not apply to concluded cases
          const keep = {
            ...form.getFieldsValue(),
            state: undefined,
            deadline: v === 'closed' ? undefined : filters.deadline,
          };
          form.setFieldsValue({ state: undefined, deadline: keep.deadline });
          apply(keep);
        }}
        options={[
          { value: 'open', label: t('workbench.inbox.view.open') },
          { value: 'closed', label: t('workbench.inbox.view.closed') },
          { value: 'all', label: t('workbench.inbox.view.all') },
        ]}
      />
      {view !== 'closed' && (
        <section aria-label={t('workbench.inbox.counts')} className="yw-counts">
          {(['overdue', 'warning', 'normal'] as const).map((s) => (
            <CountCard
              key={s}
              status={s}
              view={view}
              filters={filters}
              active={filters.deadline === s}
              onPick={pickDeadline}
            />
          ))}
        </section>
      )}
      <Form<Filters>
        form={form}
        name="inbox-filters"
        layout="inline"
        onFinish={apply}
        className="yw-filters"
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="q" label={t('workbench.inbox.keyword')}>
          <Input allowClear placeholder={t('workbench.inbox.keywordHint')} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="state" label={t('workbench.inbox.state')}>
          <Select
            allowClear
            style={{ width: 180 }}
            options={viewStates.map((s) => ({ value: s, label: stateLabel(t, s) }))}
          />
        </Form.Item>
        {view !== 'closed' && (
          <Form.Item name="deadline" label={t('workbench.inbox.deadline')}>
            <Select
              allowClear
              style={{ width: 160 }}
              options={(['normal', 'warning', 'overdue'] as const).map((s) => ({
                value: s,
                label: t(`workbench.deadline.${s}`),
              }))}
            />
          </Form.Item>
        )}
        {depts.length > 1 && (
          <Form.Item name="departmentId" label={t('workbench.inbox.department')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 260 }}
              options={depts.map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
        )}
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                apply({});
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {inbox.isError && (
        <Alert type="error" showIcon title={errorText(inbox.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Table<CaseView>
        rowKey="id"
        loading={inbox.isFetching}
        dataSource={inbox.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        rowClassName={(c) => (c.deadlineStatus && c.deadlineStatus !== 'normal' ? `yw-row-${c.deadlineStatus}` : '')}
        locale={{ emptyText: t('workbench.inbox.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: inbox.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => {
            setPage(s !== pageSize ? 1 : p);
            setPageSize(s);
          },
        }}
        columns={[
          {
            title: t('workbench.case.serialNo'),
            dataIndex: 'serialNo',
            render: (v: string, c) => (
              <Link
                to={`/workbench/cases/${c.id}`}
                aria-label={t('workbench.inbox.open', { serial: v, item: c.itemName })}
              >
                {v}
              </Link>
            ),
          },
          { title: t('workbench.case.item'), dataIndex: 'itemName' },
          { title: t('workbench.case.applicant'), dataIndex: 'applicantName' },
          { title: t('workbench.inbox.state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
          {
            title: t('workbench.case.dueDay'),
            dataIndex: 'dueDay',
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('workbench.inbox.deadline'),
            key: 'deadline',
            render: (_: unknown, c) => <CaseDeadline c={c} />,
          },
          { title: t('workbench.case.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
        ]}
      />
    </Card>
  );
}

export default function InboxPage() {
  const { t } = usePrefs();
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 26 }}>
        {t('workbench.inbox.title')}
      </Typography.Title>
      <InboxPanel heading={false} />
    </>
  );
}
