/** 数据共享 (data catalog and sharing exchange): one page with a tab for each role the staff member holds. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorText } from '../../api.ts';
import { hasPermission, useMe } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { formatTime } from '../workbench/caseModel.ts';
import {
  type Call,
  dataApi,
  type FieldDef,
  type Objection,
  type Resource,
  type ResourceSummary,
  type SharingRequest,
} from './api.ts';
import { SHARE_TYPES, UPDATE_CYCLES, useCodeLabel, useCodeOptions } from './codes.ts';
import { ResourceEditor } from './ResourceEditor.tsx';

const STATUS_COLOR: Record<string, string> = { pending: 'gold', granted: 'green', refused: 'red', revoked: 'default' };
const today = () => new Date().toISOString().slice(0, 10);

export function ResourceFields({ resource }: { resource: Resource }) {
  const { t } = usePrefs();
  const label = useCodeLabel();
  return (
    <Table
      size="small"
      rowKey="name"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={resource.fields}
      columns={[
        { title: t('data.field.name'), dataIndex: 'name' },
        { title: t('data.field.label'), dataIndex: 'label' },
        { title: t('data.field.type'), dataIndex: 'type' },
        { title: t('data.field.identifier'), dataIndex: 'identifier', render: (v) => label('data.identifier', v) },
        { title: t('data.field.level'), dataIndex: 'level', render: (v) => label('data.level', v) },
        {
          title: t('data.field.nationalLabel'),
          dataIndex: 'nationalLabel',
          render: (v) => label('data.national', v),
        },
        { title: t('data.field.format'), dataIndex: 'format', render: (v) => v ?? '—' },
        { title: t('data.field.mask'), dataIndex: 'maskRule', render: (v) => v ?? '—' },
        {
          title: t('data.field.constraints'),
          key: 'constraints',
          render: (_: unknown, f: FieldDef) =>
            f.required || f.unique ? (
              <Space size={4} wrap style={{ maxWidth: 120 }}>
                {f.required ? <Tag>{t('data.field.required')}</Tag> : null}
                {f.unique ? <Tag>{t('data.field.unique')}</Tag> : null}
              </Space>
            ) : (
              '—'
            ),
        },
        {
          title: (
            <Tooltip title={t('data.field.elementHelp')}>
              <span>{t('data.field.element')}</span>
            </Tooltip>
          ),
          key: 'element',
          render: (_: unknown, f: FieldDef) =>
            f.element ? (
              <>
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {f.element}
                </Typography.Text>
                {f.authoritative ? (
                  <div>
                    <Tooltip title={t('data.field.authoritativeHelp')}>
                      <Tag color="blue">{t('data.field.authoritative')}</Tag>
                    </Tooltip>
                  </div>
                ) : null}
              </>
            ) : (
              '—'
            ),
        },
        {
          title: t('data.field.description'),
          dataIndex: 'description',
          render: (v) => (v ? <div style={{ minWidth: 160, maxWidth: 320 }}>{v}</div> : '—'),
        },
      ]}
    />
  );
}

function RequestModal({ resource, onClose }: { resource: Resource; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const file = useMutation({
    mutationFn: (v: any) => dataApi.post<SharingRequest>('/requests', { ...v, resourceId: resource.id }),
    onSuccess: (r) => {
      message.success(
        r.status === 'granted'
          ? t('data.request.grantedAtOnce')
          : t('data.request.pendingUntil', { day: r.dueDay ?? '' }),
      );
      qc.invalidateQueries({ queryKey: ['data', 'requests'] });
      onClose();
    },
    onError: (e: any) => {
      if (e?.field) form.setFields([{ name: e.field, errors: [errorText(e, lang)] }]);
      else message.error(errorText(e, lang));
    },
  });
  const options = resource.fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }));
  return (
    <Modal
      open
      title={t('data.request.title', { name: resource.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={file.isPending}
      width={720}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          mode: 'rows',
          periodFrom: today(),
          periodTo: `${new Date().getFullYear() + 1}-12-31`,
          expectedVolume: 1000,
          fields: [],
          clearFields: [],
        }}
        onFinish={(v) => file.mutate(v)}
      >
        <Form.Item name="purpose" label={t('data.request.purpose')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="legalBasis" label={t('data.request.legalBasis')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="mode" label={t('data.request.mode')}>
          <Select
            options={[
              { value: 'rows', label: t('data.mode.rows') },
              { value: 'predicate', label: t('data.mode.predicate') },
            ]}
          />
        </Form.Item>
        <Form.Item name="fields" label={t('data.request.fields')} rules={[{ required: true }]}>
          <Checkbox.Group options={options} />
        </Form.Item>
        <Form.Item name="clearFields" label={t('data.request.clearFields')} extra={t('data.request.clearHelp')}>
          <Checkbox.Group options={options} />
        </Form.Item>
        <Space>
          <Form.Item name="periodFrom" label={t('data.request.periodFrom')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="periodTo" label={t('data.request.periodTo')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="expectedVolume" label={t('data.request.expectedVolume')} rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function CatalogTab({ canRequest }: { canRequest: boolean }) {
  const { t } = usePrefs();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  // `?resource=<id>` opens a resource (the catalog editor links here to request a grant).
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get('resource'));
  const [asking, setAsking] = useState<Resource | null>(null);
  const list = useQuery({
    queryKey: ['data', 'resources', q, filters],
    queryFn: () =>
      dataApi.get<{ items: ResourceSummary[]; total: number }>('/resources', { q, ...filters, pageSize: 100 }),
  });
  const detail = useQuery({
    queryKey: ['data', 'resource', open],
    queryFn: () => dataApi.get<Resource>(`/resources/${encodeURIComponent(open!)}`),
    enabled: !!open,
  });
  const label = useCodeLabel();
  const opt = useCodeOptions();
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('data.catalog.search')}
          onSearch={setQ}
          style={{ width: 280 }}
          aria-label={t('data.catalog.search')}
        />
        <Select
          allowClear
          placeholder={t('data.catalog.class')}
          style={{ width: 140 }}
          options={[1, 2, 3].map((c) => ({ value: String(c), label: t(`data.class.${c}` as MessageKey) }))}
          onChange={(v) => setFilters((f) => ({ ...f, class: v }))}
        />
        <Select
          allowClear
          placeholder={t('data.catalog.shareType')}
          style={{ width: 190 }}
          options={opt('data.shareType', SHARE_TYPES)}
          onChange={(v) => setFilters((f) => ({ ...f, shareType: v }))}
        />
        <Select
          allowClear
          placeholder={t('data.catalog.updateCycle')}
          style={{ width: 140 }}
          options={opt('data.cycle', UPDATE_CYCLES)}
          onChange={(v) => setFilters((f) => ({ ...f, updateCycle: v }))}
        />
      </Space>
      <Table
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r.id) })}
        columns={[
          { title: t('data.resource.code'), dataIndex: 'code' },
          {
            title: t('data.resource.name'),
            dataIndex: 'name',
            render: (v, r) => (
              <Button type="link" onClick={() => setOpen(r.id)}>
                {v}
              </Button>
            ),
          },
          { title: t('data.resource.provider'), dataIndex: 'providerDepartmentName' },
          {
            title: t('data.catalog.shareType'),
            dataIndex: 'shareType',
            render: (v) => (
              <Tag color={v === '无条件共享' ? 'green' : v === '有条件共享' ? 'blue' : 'default'}>
                {label('data.shareType', v)}
              </Tag>
            ),
          },
          {
            title: t('data.catalog.updateCycle'),
            dataIndex: 'updateCycle',
            render: (v) => label('data.cycle', v),
          },
          {
            title: t('data.field.nationalLabel'),
            dataIndex: 'nationalLabel',
            render: (v) => label('data.national', v),
          },
        ]}
      />
      <Drawer open={!!open} onClose={() => setOpen(null)} width={860} title={detail.data?.name}>
        {detail.data ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('data.resource.code')}>{detail.data.code}</Descriptions.Item>
              <Descriptions.Item label={t('data.resource.provider')}>
                {detail.data.providerDepartmentName}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.catalog.shareType')}>
                {label('data.shareType', detail.data.shareType)}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.resource.openType')}>
                {label('data.open', detail.data.openType)}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.resource.shareMethod')}>
                {label('data.shareMethod', detail.data.shareMethod)}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.resource.relatedCodes')}>
                {detail.data.relatedCodes?.length ? detail.data.relatedCodes.join('、') : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.catalog.updateCycle')}>
                {label('data.cycle', detail.data.updateCycle)}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.field.nationalLabel')}>
                {label('data.national', detail.data.nationalLabel)}
              </Descriptions.Item>
              <Descriptions.Item label={t('data.resource.abstract')} span={2}>
                {detail.data.abstract}
              </Descriptions.Item>
              {detail.data.shareConditions ? (
                <Descriptions.Item label={t('data.resource.shareConditions')} span={2}>
                  {detail.data.shareConditions}
                </Descriptions.Item>
              ) : null}
            </Descriptions>
            <ResourceFields resource={detail.data} />
            {canRequest && detail.data.shareType !== '不予共享' ? (
              <Button type="primary" onClick={() => setAsking(detail.data!)}>
                {t('data.request.file')}
              </Button>
            ) : null}
          </Space>
        ) : null}
      </Drawer>
      {asking ? <RequestModal resource={asking} onClose={() => setAsking(null)} /> : null}
    </>
  );
}

function MyResourcesTab({ departmentId }: { departmentId: string | null }) {
  const { t } = usePrefs();
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<'active' | 'retired'>('active');
  const label = useCodeLabel();
  const list = useQuery({
    queryKey: ['data', 'resources', 'mine', departmentId, status],
    queryFn: () =>
      dataApi.get<{ items: ResourceSummary[] }>('/resources', {
        providerDepartmentId: departmentId ?? undefined,
        status,
        pageSize: 100,
      }),
  });
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setEditing(true)}>
          {t('data.resource.register')}
        </Button>
        <Select
          value={status}
          onChange={setStatus}
          style={{ width: 120 }}
          aria-label={t('data.resource.status')}
          options={(['active', 'retired'] as const).map((v) => ({ value: v, label: t(`data.resource.status.${v}`) }))}
        />
      </Space>
      <Table
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: t('data.resource.code'), dataIndex: 'code' },
          {
            title: t('data.resource.name'),
            dataIndex: 'name',
            render: (v, r) => <Link to={`/data/resources/${r.id}`}>{v}</Link>,
          },
          { title: t('data.catalog.shareType'), dataIndex: 'shareType', render: (v) => label('data.shareType', v) },
          { title: t('data.catalog.updateCycle'), dataIndex: 'updateCycle', render: (v) => label('data.cycle', v) },
        ]}
      />
      {editing ? <ResourceEditor departmentId={departmentId} onClose={() => setEditing(false)} /> : null}
    </>
  );
}

function DecideModal({ req, onClose }: { req: SharingRequest; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const decide = useMutation({
    mutationFn: (v: any) => dataApi.post(`/requests/${req.id}/decision`, { ...v, expectedVersion: req.version }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['data', 'requests'] });
      onClose();
    },
    onError: (e) => message.error(errorText(e, lang)),
  });
  return (
    <Modal open title={t('data.decide.title', { name: req.resourceName })} onCancel={onClose} footer={null} width={640}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          fields: req.fields,
          clearFields: req.clearFields,
          dailyQuota: req.dailyQuota,
          ratePerMinute: req.ratePerMinute,
        }}
      >
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('data.request.consumer')}>{req.consumerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('data.request.purpose')}>{req.purpose}</Descriptions.Item>
          <Descriptions.Item label={t('data.request.legalBasis')}>{req.legalBasis}</Descriptions.Item>
          <Descriptions.Item
            label={t('data.request.period')}
          >{`${req.periodFrom} — ${req.periodTo}`}</Descriptions.Item>
        </Descriptions>
        <Form.Item name="fields" label={t('data.decide.fields')}>
          <Checkbox.Group options={req.fields.map((f) => ({ value: f, label: f }))} />
        </Form.Item>
        <Form.Item name="clearFields" label={t('data.request.clearFields')}>
          <Checkbox.Group options={req.clearFields.map((f) => ({ value: f, label: f }))} />
        </Form.Item>
        <Space>
          <Form.Item name="dailyQuota" label={t('data.decide.dailyQuota')}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="ratePerMinute" label={t('data.decide.ratePerMinute')}>
            <InputNumber min={1} />
          </Form.Item>
        </Space>
        <Form.Item name="reason" label={t('data.decide.reason')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Space>
          <Button
            type="primary"
            loading={decide.isPending}
            onClick={() => decide.mutate({ ...form.getFieldsValue(), decision: 'approve' })}
          >
            {t('data.decide.approve')}
          </Button>
          <Button
            danger
            loading={decide.isPending}
            onClick={() => decide.mutate({ decision: 'refuse', reason: form.getFieldValue('reason') })}
          >
            {t('data.decide.refuse')}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}

function RequestsTab({ side }: { side: 'provider' | 'consumer' }) {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const [deciding, setDeciding] = useState<SharingRequest | null>(null);
  const [usageOf, setUsageOf] = useState<string | null>(null);
  const [objecting, setObjecting] = useState<SharingRequest | null>(null);
  const list = useQuery({
    queryKey: ['data', 'requests', side],
    queryFn: () => dataApi.get<{ items: SharingRequest[] }>('/requests', { side, pageSize: 100 }),
  });
  const usage = useQuery({
    queryKey: ['data', 'usage', usageOf],
    queryFn: () =>
      dataApi.get<{ today: number; dailyQuota: number; byDay: { day: string; calls: number; rows: number }[] }>(
        `/requests/${usageOf}/usage`,
      ),
    enabled: !!usageOf,
  });
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      qc.invalidateQueries({ queryKey: ['data', 'requests'] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const askReason = (title: string, then: (reason: string) => Promise<unknown>) => {
    let reason = '';
    modal.confirm({
      title,
      content: (
        <Input.TextArea rows={2} onChange={(e) => (reason = e.target.value)} aria-label={t('data.decide.reason')} />
      ),
      onOk: () => act(() => then(reason)),
    });
  };
  const issue = async (r: SharingRequest) => {
    try {
      const c = await dataApi.post<{ clientId: string; clientSecret: string }>(`/requests/${r.id}/clients`, {
        name: r.resourceName,
      });
      modal.info({
        title: t('data.client.issued'),
        width: 640,
        content: (
          <Descriptions column={1} size="small">
            <Descriptions.Item label="client_id">
              <Typography.Text copyable>{c.clientId}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="client_secret">
              <Typography.Text copyable>{c.clientSecret}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('data.client.tokenUrl')}>
              POST /api/v1/exchange/token (grant_type=client_credentials)
            </Descriptions.Item>
            <Descriptions.Item label="">{t('data.client.once')}</Descriptions.Item>
          </Descriptions>
        ),
      });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <>
      <Table
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: t('data.resource.name'), dataIndex: 'resourceName' },
          ...(side === 'provider' ? [{ title: t('data.request.consumer'), dataIndex: 'consumerDepartmentName' }] : []),
          { title: t('data.request.purpose'), dataIndex: 'purpose', ellipsis: true },
          {
            title: t('data.request.fields'),
            render: (_: unknown, r: SharingRequest) => (r.grantedFields ?? r.fields).join('、'),
          },
          {
            title: t('data.request.status'),
            render: (_: unknown, r: SharingRequest) => (
              <Space>
                <Tag color={STATUS_COLOR[r.status]}>{t(`data.status.${r.status}` as MessageKey)}</Tag>
                {r.partial ? <Tag>{t('data.status.partial')}</Tag> : null}
                {r.overdue ? <Tag color="red">{t('data.status.overdue')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('data.request.due'),
            render: (_: unknown, r: SharingRequest) => (r.status === 'pending' ? r.dueDay : r.reviewDue) ?? '—',
          },
          {
            title: t('common.actions' as MessageKey),
            render: (_: unknown, r: SharingRequest) => (
              <Space wrap>
                {side === 'provider' && r.status === 'pending' ? (
                  <Button size="small" type="primary" onClick={() => setDeciding(r)}>
                    {t('data.decide.open')}
                  </Button>
                ) : null}
                {side === 'provider' && r.status === 'granted' ? (
                  <Button
                    size="small"
                    onClick={() => act(() => dataApi.post(`/requests/${r.id}/review`, { expectedVersion: r.version }))}
                  >
                    {t('data.decide.review')}
                  </Button>
                ) : null}
                {r.status === 'granted' ? (
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      askReason(t('data.decide.revoke'), (reason) =>
                        dataApi.post(`/requests/${r.id}/revoke`, { reason, expectedVersion: r.version }),
                      )
                    }
                  >
                    {t('data.decide.revoke')}
                  </Button>
                ) : null}
                {side === 'consumer' && r.status === 'granted' ? (
                  <Button size="small" onClick={() => issue(r)}>
                    {t('data.client.issue')}
                  </Button>
                ) : null}
                {side === 'consumer' && r.status === 'granted' ? (
                  <Button size="small" onClick={() => setObjecting(r)}>
                    {t('data.objection.file')}
                  </Button>
                ) : null}
                {r.status === 'granted' || r.status === 'revoked' ? (
                  <Button size="small" onClick={() => setUsageOf(r.id)}>
                    {t('data.usage.open')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {deciding ? <DecideModal req={deciding} onClose={() => setDeciding(null)} /> : null}
      {objecting ? <ObjectionModal req={objecting} onClose={() => setObjecting(null)} /> : null}
      <Modal open={!!usageOf} onCancel={() => setUsageOf(null)} footer={null} title={t('data.usage.open')}>
        {usage.data ? (
          <>
            <Typography.Paragraph>
              {t('data.usage.today', { n: usage.data.today, quota: usage.data.dailyQuota })}
            </Typography.Paragraph>
            <Table
              size="small"
              rowKey="day"
              pagination={false}
              dataSource={usage.data.byDay}
              columns={[
                { title: t('data.usage.day'), dataIndex: 'day' },
                { title: t('data.usage.calls'), dataIndex: 'calls' },
                { title: t('data.usage.rows'), dataIndex: 'rows' },
              ]}
            />
          </>
        ) : null}
      </Modal>
    </>
  );
}

/** 数据异议 from the consumer side: about a record (key) and a field of data received under a grant. */
function ObjectionModal({ req, onClose }: { req: SharingRequest; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ key?: string; field?: string; description: string }>();
  const file = useMutation({
    mutationFn: (v: { key?: string; field?: string; description: string }) =>
      dataApi.post(`/requests/${req.id}/objections`, {
        ...(v.key?.trim() ? { key: v.key.trim() } : {}),
        ...(v.field ? { field: v.field } : {}),
        description: v.description,
      }),
    onSuccess: () => {
      message.success(t('data.objection.filed'));
      qc.invalidateQueries({ queryKey: ['data', 'objections'] });
      onClose();
    },
    onError: (e) => message.error(errorText(e, lang)),
  });
  const fields = req.grantedFields ?? req.fields;
  return (
    <Modal
      open
      title={`${t('data.objection.file')}：${req.resourceName}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={file.isPending}
    >
      <Form form={form} layout="vertical" onFinish={(v) => file.mutate(v)}>
        <Form.Item name="key" label={t('data.objection.key')} extra={t('data.objection.keyHint')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="field" label={t('data.field.name')}>
          <Select allowClear options={fields.map((f) => ({ value: f, label: f }))} />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('data.objection.description')}
          rules={[{ required: true, whitespace: true, message: t('data.objection.descriptionRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The columns both sides of an objection see: the record, the field, what is wrong and the status. */
const objectionColumns = (t: ReturnType<typeof usePrefs>['t']) => [
  { title: t('data.objection.key'), dataIndex: 'key' },
  { title: t('data.field.name'), dataIndex: 'field' },
  { title: t('data.objection.description'), dataIndex: 'description' },
  {
    title: t('data.request.status'),
    dataIndex: 'status',
    render: (v: string) => t(`data.objection.status.${v}` as MessageKey),
  },
];

/** The objections this department filed, with the provider's answer. */
function MyObjectionsTab() {
  const { t } = usePrefs();
  const list = useQuery({
    queryKey: ['data', 'objections', 'consumer'],
    queryFn: () => dataApi.get<{ items: Objection[] }>('/objections', { side: 'consumer' }),
  });
  return (
    <Table
      rowKey="id"
      loading={list.isLoading}
      dataSource={list.data?.items ?? []}
      locale={{ emptyText: t('data.objection.none') }}
      columns={[
        { title: t('data.objection.filedAt'), dataIndex: 'filedAt', render: (v: string) => formatTime(v) },
        { title: t('data.resource.name'), dataIndex: 'resourceName' },
        ...objectionColumns(t),
        { title: t('data.objection.reply'), dataIndex: 'reply' },
      ]}
    />
  );
}

function ObjectionsTab() {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['data', 'objections'],
    queryFn: () => dataApi.get<{ items: Objection[] }>('/objections', { side: 'provider' }),
  });
  const answer = (o: Objection, decision: 'accepted' | 'rejected') => {
    let reply = '';
    modal.confirm({
      title: t(`data.objection.${decision}` as MessageKey),
      content: (
        <Input.TextArea rows={2} onChange={(e) => (reply = e.target.value)} aria-label={t('data.objection.reply')} />
      ),
      onOk: async () => {
        try {
          await dataApi.post(`/objections/${o.id}/answer`, { decision, reply });
          qc.invalidateQueries({ queryKey: ['data', 'objections'] });
        } catch (e) {
          message.error(errorText(e, lang));
        }
      },
    });
  };
  return (
    <Table
      rowKey="id"
      dataSource={list.data?.items ?? []}
      columns={[
        { title: t('data.resource.name'), dataIndex: 'resourceName' },
        { title: t('data.request.consumer'), dataIndex: 'consumerDepartmentName' },
        ...objectionColumns(t),
        {
          title: t('common.actions' as MessageKey),
          render: (_: unknown, o: Objection) =>
            o.status === 'open' ? (
              <Space>
                <Button size="small" onClick={() => answer(o, 'accepted')}>
                  {t('data.objection.accepted')}
                </Button>
                <Button size="small" onClick={() => answer(o, 'rejected')}>
                  {t('data.objection.rejected')}
                </Button>
              </Space>
            ) : (
              o.reply
            ),
        },
      ]}
    />
  );
}

function CallsTab() {
  const { t, lang } = usePrefs();
  const [hash, setHash] = useState<string | undefined>();
  const [traced, setTraced] = useState<Call[] | null>(null);
  const { message } = AntApp.useApp();
  const list = useQuery({
    queryKey: ['data', 'calls', hash],
    queryFn: () => dataApi.get<{ items: Call[] }>('/calls', { answerHash: hash }),
  });
  const trace = async (key: string) => {
    if (!key.trim()) return setTraced(null);
    try {
      setTraced((await dataApi.post<{ items: Call[] }>('/calls/trace', { key: key.trim() })).items);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('data.calls.byHash')}
          style={{ width: 420 }}
          onSearch={(v) => setHash(v.trim() || undefined)}
          aria-label={t('data.calls.byHash')}
        />
        <Input.Search
          allowClear
          placeholder={t('data.calls.byKey')}
          style={{ width: 300 }}
          onSearch={trace}
          aria-label={t('data.calls.byKey')}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        dataSource={traced ?? list.data?.items ?? []}
        columns={[
          { title: t('data.calls.at'), dataIndex: 'at', render: (v) => formatTime(v) },
          { title: t('data.request.consumer'), dataIndex: 'consumerDepartmentName' },
          { title: t('data.resource.code'), dataIndex: 'resourceCode' },
          {
            title: t('data.calls.kind'),
            dataIndex: 'kind',
            render: (v, c) => `${v}${c.onBehalfOf ? ` · ${t('data.calls.onBehalf')}` : ''}`,
          },
          { title: t('data.request.purpose'), dataIndex: 'purpose', ellipsis: true },
          { title: t('data.request.fields'), dataIndex: 'fields', render: (v: string[]) => v.join('、') },
          { title: t('data.usage.rows'), dataIndex: 'rows' },
          {
            title: 'SHA-256',
            dataIndex: 'answerHash',
            render: (v) => (
              <Typography.Text code copyable={{ text: v }}>
                {String(v).slice(0, 12)}…
              </Typography.Text>
            ),
          },
        ]}
      />
    </>
  );
}

function SavingsTab() {
  const { t } = usePrefs();
  const list = useQuery({
    queryKey: ['data', 'savings'],
    queryFn: () =>
      dataApi.get<{
        items: {
          taskCode: string;
          name: string;
          departmentName: string | null;
          materialsSaved: number;
          visitsSaved: number;
          materials: { name: string; saved: number }[];
        }[];
      }>('/no-proof/savings'),
  });
  return (
    <Table
      rowKey="taskCode"
      dataSource={list.data?.items ?? []}
      columns={[
        { title: t('data.savings.item'), dataIndex: 'name' },
        { title: t('data.savings.department'), dataIndex: 'departmentName', render: (v) => v ?? '—' },
        {
          title: t('data.savings.materials'),
          dataIndex: 'materials',
          render: (m: { name: string; saved: number }[]) => m.map((x) => `${x.name} ×${x.saved}`).join('、'),
        },
        { title: t('data.savings.materialsSaved'), dataIndex: 'materialsSaved' },
        { title: t('data.savings.visitsSaved'), dataIndex: 'visitsSaved' },
      ]}
    />
  );
}

export default function DataPage() {
  const { t } = usePrefs();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const can = (p: string) => hasPermission(me.data, [p]);
  const tabs = [
    { key: 'catalog', label: t('data.tab.catalog'), children: <CatalogTab canRequest={can('data.request')} /> },
    ...(can('data.manage')
      ? [
          {
            key: 'mine',
            label: t('data.tab.mine'),
            children: <MyResourcesTab departmentId={me.data?.account.departmentId ?? null} />,
          },
        ]
      : []),
    ...(can('data.approve')
      ? [{ key: 'incoming', label: t('data.tab.incoming'), children: <RequestsTab side="provider" /> }]
      : []),
    ...(can('data.request')
      ? [{ key: 'requests', label: t('data.tab.requests'), children: <RequestsTab side="consumer" /> }]
      : []),
    ...(can('data.manage')
      ? [{ key: 'objections', label: t('data.tab.objections'), children: <ObjectionsTab /> }]
      : []),
    ...(can('data.request')
      ? [{ key: 'my-objections', label: t('data.tab.myObjections'), children: <MyObjectionsTab /> }]
      : []),
    ...(can('data.audit') || can('data.manage') || can('data.request')
      ? [{ key: 'calls', label: t('data.tab.calls'), children: <CallsTab /> }]
      : []),
    { key: 'savings', label: t('data.tab.savings'), children: <SavingsTab /> },
  ];
  return (
    <div className="yw-page">
      <h2>{t('data.title')}</h2>
      <Typography.Paragraph type="secondary">{t('data.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={params.get('tab') ?? 'catalog'}
        onChange={(k) => setParams({ tab: k })}
        items={tabs}
        destroyOnHidden
      />
    </div>
  );
}
