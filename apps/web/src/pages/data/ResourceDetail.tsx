/**
 * A resource of the officer's department: its catalog metadata (edit, retire), fields, connectors with
 * their sync runs, the quality report.
 */
import { EditOutlined, StopOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorText } from '../../api.ts';
import { type Me, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { formatTime } from '../workbench/caseModel.ts';
import { type Connector, dataApi, fileToBase64, type QualityReport, type Resource, type Run } from './api.ts';
import { useCodeLabel } from './codes.ts';
import { ResourceFields } from './DataPage.tsx';
import { ResourceEditor } from './ResourceEditor.tsx';

/**
 * Whether the caller may change or retire the resource: the server's check for PUT and retire
 * (`authorize(ctx, 'data.manage', { departmentId: provider })`, no region given, so a region-limited
 * grant does not cover it).
 */
export function canManageResource(me: Me | null | undefined, r: Resource): boolean {
  return !!me?.grants.some(
    (g) =>
      (g.permission === 'data.manage' || g.permission === '*') &&
      !g.regionCode &&
      (!g.departmentId || g.departmentId === r.providerDepartmentId),
  );
}

function Runs({ connectorId }: { connectorId: string }) {
  const { t, lang } = usePrefs();
  const label = useCodeLabel();
  const runs = useQuery({
    queryKey: ['data', 'runs', connectorId],
    queryFn: () => dataApi.get<{ items: Run[] }>(`/connectors/${connectorId}/runs`),
  });
  return (
    <Table
      size="small"
      rowKey="id"
      dataSource={runs.data?.items ?? []}
      expandable={{
        rowExpandable: (r) => r.rejections.length > 0 || !!r.error,
        expandedRowRender: (r) => (
          <>
            {r.error ? <Tag color="red">{r.error}</Tag> : null}
            <Table
              size="small"
              rowKey={(x) => `${x.row}-${x.reason}`}
              pagination={{ pageSize: 10 }}
              dataSource={r.rejections}
              columns={[
                { title: t('data.run.row'), dataIndex: 'row' },
                { title: t('data.field.name'), dataIndex: 'field' },
                { title: t('data.run.reason'), render: (_: unknown, x) => (lang === 'en' ? x.messageEn : x.message) },
              ]}
            />
          </>
        ),
      }}
      columns={[
        { title: t('data.run.startedAt'), dataIndex: 'startedAt', render: (v) => formatTime(v) },
        { title: t('data.run.trigger'), dataIndex: 'trigger', render: (v) => label('data.trigger', v) },
        { title: t('data.run.mode'), dataIndex: 'mode', render: (v) => label('data.syncMode', v) },
        {
          title: t('data.request.status'),
          dataIndex: 'status',
          render: (v) => (
            <Tag color={v === 'succeeded' ? 'green' : v === 'failed' ? 'red' : 'blue'}>
              {label('data.runStatus', v)}
            </Tag>
          ),
        },
        { title: t('data.run.read'), dataIndex: 'rowsRead' },
        { title: t('data.run.written'), dataIndex: 'rowsWritten' },
        {
          title: t('data.run.rejected'),
          dataIndex: 'rowsRejected',
          render: (v) => (v ? <Tag color="orange">{v}</Tag> : 0),
        },
        { title: t('data.run.deleted'), dataIndex: 'rowsDeleted' },
        { title: t('data.run.duration'), dataIndex: 'durationMs', render: (v) => (v == null ? '—' : `${v} ms`) },
      ]}
    />
  );
}

function ConnectorCard({ c }: { c: Connector }) {
  const { t, lang } = usePrefs();
  const label = useCodeLabel();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['data', 'runs', c.id] });
  const sync = useMutation({
    mutationFn: (mode?: string) => dataApi.post<Run>(`/connectors/${c.id}/sync`, mode ? { mode } : {}),
    onSuccess: (r) => {
      message.info(t('data.run.done', { read: r.rowsRead, written: r.rowsWritten, rejected: r.rowsRejected }));
      done();
    },
    onError: (e) => message.error(errorText(e, lang)),
  });
  const upload = async (file: File) => {
    try {
      const r = await dataApi.post<Run>(`/connectors/${c.id}/upload`, {
        filename: file.name,
        contentBase64: await fileToBase64(file),
      });
      message.info(t('data.run.done', { read: r.rowsRead, written: r.rowsWritten, rejected: r.rowsRejected }));
      done();
    } catch (e) {
      message.error(errorText(e, lang));
    }
    return false;
  };
  return (
    <Card size="small" title={`${c.name}（${c.kind}）`} style={{ marginBottom: 12 }}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('data.connector.syncMode')}>{label('data.syncMode', c.syncMode)}</Descriptions.Item>
        <Descriptions.Item label={t('data.connector.changeColumn')}>{c.changeColumn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('data.connector.schedule')}>
          {c.scheduleMinutes ? t('data.connector.every', { n: c.scheduleMinutes }) : t('data.connector.manual')}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.connector.secret')}>
          {c.hasSecret ? t('data.connector.sealed') : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.connector.queryThrough')}>
          {c.queryThrough ? t('common.yes') : t('common.no')}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ marginBottom: 8 }}>
        {c.kind === 'file' ? (
          <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={(f) => upload(f)}>
            <Button icon={<UploadOutlined />}>{t('data.connector.upload')}</Button>
          </Upload>
        ) : (
          <>
            <Button type="primary" loading={sync.isPending} onClick={() => sync.mutate(undefined)}>
              {t('data.connector.syncNow')}
            </Button>
            <Button loading={sync.isPending} onClick={() => sync.mutate('full')}>
              {t('data.connector.syncFull')}
            </Button>
          </>
        )}
      </Space>
      <Runs connectorId={c.id} />
    </Card>
  );
}

function NewConnector({ resourceId }: { resourceId: string }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form) ?? 'postgres';
  const create = useMutation({
    mutationFn: (v: any) => {
      const db = v.kind === 'postgres' || v.kind === 'mysql';
      const config = db
        ? { host: v.host, port: v.port, database: v.database, user: v.user, table: v.table }
        : v.kind === 'http'
          ? { url: v.url, itemsPath: v.itemsPath || null, sinceParam: v.sinceParam || null }
          : { format: v.format };
      return dataApi.post(`/resources/${resourceId}/connectors`, {
        name: v.name,
        kind: v.kind,
        config,
        secret: v.password ? { password: v.password } : v.authorization ? { authorization: v.authorization } : null,
        syncMode: v.syncMode,
        changeColumn: v.changeColumn || null,
        scheduleMinutes: v.scheduleMinutes || null,
        queryThrough: v.queryThrough ?? false,
      });
    },
    onSuccess: () => {
      form.resetFields();
      qc.invalidateQueries({ queryKey: ['data', 'connectors', resourceId] });
    },
    onError: (e) => message.error(errorText(e, lang)),
  });
  return (
    <Card size="small" title={t('data.connector.new')}>
      <Form
        form={form}
        layout="inline"
        initialValues={{ kind: 'postgres', port: 5432, syncMode: 'full', format: 'csv' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="name" rules={[{ required: true }]}>
          <Input placeholder={t('data.connector.name')} aria-label={t('data.connector.name')} />
        </Form.Item>
        <Form.Item name="kind">
          <Select
            style={{ width: 120 }}
            options={['postgres', 'mysql', 'file', 'http'].map((k) => ({ value: k, label: k }))}
            aria-label={t('data.connector.kind')}
          />
        </Form.Item>
        {kind === 'postgres' || kind === 'mysql' ? (
          <>
            <Form.Item name="host" rules={[{ required: true }]}>
              <Input placeholder="host" aria-label="host" />
            </Form.Item>
            <Form.Item name="port">
              <InputNumber placeholder="port" aria-label="port" />
            </Form.Item>
            <Form.Item name="database" rules={[{ required: true }]}>
              <Input placeholder="database" aria-label="database" />
            </Form.Item>
            <Form.Item name="user" rules={[{ required: true }]}>
              <Input placeholder="user" aria-label="user" />
            </Form.Item>
            <Form.Item name="password">
              <Input.Password placeholder="password" aria-label="password" autoComplete="new-password" />
            </Form.Item>
            <Form.Item name="table" rules={[{ required: true }]}>
              <Input placeholder="schema.table" aria-label="table" />
            </Form.Item>
          </>
        ) : kind === 'http' ? (
          <>
            <Form.Item name="url" rules={[{ required: true }]}>
              <Input placeholder="https://…" aria-label="url" style={{ width: 260 }} />
            </Form.Item>
            <Form.Item name="itemsPath">
              <Input placeholder="itemsPath" aria-label="itemsPath" />
            </Form.Item>
            <Form.Item name="sinceParam">
              <Input placeholder="sinceParam" aria-label="sinceParam" />
            </Form.Item>
            <Form.Item name="authorization">
              <Input.Password placeholder="Authorization" aria-label="Authorization" autoComplete="new-password" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="format">
            <Select
              style={{ width: 90 }}
              options={[
                { value: 'csv', label: 'CSV' },
                { value: 'xlsx', label: 'XLSX' },
              ]}
              aria-label="format"
            />
          </Form.Item>
        )}
        <Form.Item name="syncMode">
          <Select
            style={{ width: 130 }}
            options={[
              { value: 'full', label: t('data.syncMode.full') },
              { value: 'incremental', label: t('data.syncMode.incremental') },
            ]}
            aria-label={t('data.connector.syncMode')}
          />
        </Form.Item>
        <Form.Item name="changeColumn">
          <Input placeholder={t('data.connector.changeColumn')} aria-label={t('data.connector.changeColumn')} />
        </Form.Item>
        {kind !== 'file' ? (
          <>
            <Form.Item name="scheduleMinutes">
              <InputNumber
                min={5}
                placeholder={t('data.connector.scheduleMinutes')}
                aria-label={t('data.connector.scheduleMinutes')}
                style={{ width: 140 }}
              />
            </Form.Item>
            <Form.Item name="queryThrough" valuePropName="checked" label={t('data.connector.queryThrough')}>
              <Switch />
            </Form.Item>
          </>
        ) : null}
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('data.connector.create')}
        </Button>
      </Form>
    </Card>
  );
}

function Quality({ id }: { id: string }) {
  const { t } = usePrefs();
  const [on, setOn] = useState(false);
  const q = useQuery({
    queryKey: ['data', 'quality', id],
    queryFn: () => dataApi.get<QualityReport>(`/resources/${id}/quality`),
    enabled: on,
  });
  if (!on) return <Button onClick={() => setOn(true)}>{t('data.quality.run')}</Button>;
  if (!q.data) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space size="large">
        <Statistic title={t('data.quality.rows')} value={q.data.rows} />
        <Statistic
          title={
            <Tooltip title={t('data.quality.scoreHelp')}>
              <span>{t('data.quality.score')}</span>
            </Tooltip>
          }
          value={q.data.score}
          precision={1}
          suffix="/ 100"
        />
        <Statistic title={t('data.quality.findings')} value={q.data.findings} />
        <Statistic title={t('data.quality.rowsWithFindings')} value={q.data.rowsWithFindings} />
        <Statistic
          title={t('data.quality.freshness')}
          value={q.data.freshness.stale ? t('data.quality.stale') : t('data.quality.fresh')}
        />
      </Space>
      <Table
        size="small"
        rowKey="field"
        pagination={false}
        dataSource={q.data.fields}
        expandable={{
          rowExpandable: (f) => f.samples.length > 0,
          expandedRowRender: (f) => f.samples.map((s) => `${s.key}：${s.issue}`).join('；'),
        }}
        columns={[
          { title: t('data.field.label'), dataIndex: 'label' },
          { title: t('data.quality.filled'), dataIndex: 'filled' },
          {
            title: t('data.quality.missing'),
            dataIndex: 'missing',
            render: (v, f) => (f.required && v ? <Tag color="red">{v}</Tag> : v),
          },
          {
            title: t('data.quality.invalid'),
            dataIndex: 'invalid',
            render: (v) => (v ? <Tag color="orange">{v}</Tag> : 0),
          },
          {
            title: t('data.quality.duplicates'),
            dataIndex: 'duplicateRows',
            render: (v) => (v ? <Tag color="orange">{v}</Tag> : 0),
          },
        ]}
      />
    </Space>
  );
}

export default function ResourceDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePrefs();
  const label = useCodeLabel();
  const me = useMe();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const r = useQuery({ queryKey: ['data', 'resource', id], queryFn: () => dataApi.get<Resource>(`/resources/${id}`) });
  const conns = useQuery({
    queryKey: ['data', 'connectors', id],
    queryFn: () => dataApi.get<{ items: Connector[] }>(`/resources/${id}/connectors`),
  });
  const stats = useQuery({
    queryKey: ['data', 'stats', id],
    queryFn: () => dataApi.get<{ rows: number }>(`/resources/${id}/stats`),
  });
  if (!r.data) return null;
  const res = r.data;
  const active = res.status === 'active';
  const canManage = canManageResource(me.data, res) && active;
  const retire = () =>
    modal.confirm({
      title: t('data.resource.retireTitle', { name: res.name }),
      content: t('data.resource.retireContent'),
      okText: t('data.resource.retire'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await dataApi.post<Resource>(`/resources/${encodeURIComponent(res.id)}/retire`);
          message.success(t('data.resource.retired'));
        } catch (e) {
          message.error(errorText(e, lang));
        }
        qc.invalidateQueries({ queryKey: ['data', 'resource'] });
        qc.invalidateQueries({ queryKey: ['data', 'resources'] });
      },
    });
  const text = (v: string | null | undefined) => (v?.trim() ? v : '—');
  return (
    <div className="yw-page">
      <Link to="/data?tab=mine">{t('data.back')}</Link>
      <Space align="center" wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <h2>
          {res.name} <Tag>{res.code}</Tag>
          <Tag color={active ? 'green' : 'red'}>{t(`data.resource.status.${res.status}`)}</Tag>
        </h2>
        {canManage ? (
          <Space>
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('data.resource.edit')}
            </Button>
            <Button danger icon={<StopOutlined />} onClick={retire}>
              {t('data.resource.retire')}
            </Button>
          </Space>
        ) : null}
      </Space>
      {active ? null : <Typography.Paragraph type="secondary">{t('data.resource.retiredNote')}</Typography.Paragraph>}
      <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('data.resource.provider')}>{res.providerDepartmentName}</Descriptions.Item>
        <Descriptions.Item label={t('data.catalog.shareType')}>
          {label('data.shareType', res.shareType)}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.resource.shareMethod')}>
          {label('data.shareMethod', res.shareMethod)}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.resource.openType')}>{label('data.open', res.openType)}</Descriptions.Item>
        <Descriptions.Item label={t('data.catalog.updateCycle')}>
          {label('data.cycle', res.updateCycle)}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.field.nationalLabel')}>
          {label('data.national', res.nationalLabel)}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.resource.keyField')}>{res.keyField}</Descriptions.Item>
        <Descriptions.Item label={t('data.quality.rows')}>{stats.data?.rows ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('data.resource.version')}>
          {`${res.version} · ${formatTime(res.updatedAt)}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.resource.abstract')} span={3}>
          {res.abstract}
        </Descriptions.Item>
        <Descriptions.Item label={t('data.resource.shareConditions')} span={3}>
          {text(res.shareConditions)}
        </Descriptions.Item>
        {res.openConditions ? (
          <Descriptions.Item label={t('data.resource.openConditions')} span={3}>
            {res.openConditions}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('data.resource.relatedCodes')} span={3}>
          {res.relatedCodes?.length ? (
            <Space size={4} wrap>
              {res.relatedCodes.map((c) => (
                <Link key={c} to={`/data?tab=catalog&resource=${encodeURIComponent(c)}`}>
                  {c}
                </Link>
              ))}
            </Space>
          ) : (
            '—'
          )}
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          { key: 'fields', label: t('data.tab.fields'), children: <ResourceFields resource={res} /> },
          {
            key: 'connectors',
            label: t('data.tab.connectors'),
            children: (
              <>
                {(conns.data?.items ?? []).map((c) => (
                  <ConnectorCard key={c.id} c={c} />
                ))}
                <NewConnector resourceId={id} />
              </>
            ),
          },
          { key: 'quality', label: t('data.tab.quality'), children: <Quality id={id} /> },
        ]}
      />
      {editing ? (
        <ResourceEditor departmentId={res.providerDepartmentId} resource={res} onClose={() => setEditing(false)} />
      ) : null}
    </div>
  );
}
