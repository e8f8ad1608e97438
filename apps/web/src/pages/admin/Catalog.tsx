/** /admin/catalog — the implementation list, the basic catalog, and import/export. */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, applyFormError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import {
  type AdminItemSummary,
  type BasicItem,
  type ItemStatus,
  put,
  STATUSES,
  StatusTag,
  TASK_TYPE_CODES,
  uploadFile,
  useCatalogOptions,
  useCodeNames,
} from './CatalogShared.tsx';
import { type Page, PageTitle } from './common.tsx';

function ItemsTab() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const names = useCodeNames();
  const options = useCatalogOptions();
  const [filters, setFilters] = useState<{ q?: string; departmentId?: string; status?: ItemStatus }>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const items = useQuery({
    queryKey: ['catalog', 'admin', 'items', filters, page, pageSize],
    queryFn: () => api.get<Page<AdminItemSummary>>('/catalog/admin/items', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const cancel = async (it: AdminItemSummary) => {
    try {
      await api.post(`/catalog/items/${it.taskCode}/cancel`);
      message.success(t('catalogAdmin.cancelled'));
      void qc.invalidateQueries({ queryKey: ['catalog'] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  return (
    <>
      <Form
        name="catalogFilter"
        layout="inline"
        className="yw-toolbar"
        onFinish={(v: { q?: string; departmentId?: string; status?: ItemStatus }) => {
          setPage(1);
          setFilters({ q: v.q?.trim() || undefined, departmentId: v.departmentId || undefined, status: v.status });
        }}
      >
        <Form.Item label={t('common.keyword')} name="q">
          <Input allowClear style={{ width: 200 }} placeholder={t('catalogAdmin.keywordHint')} />
        </Form.Item>
        <Form.Item label={t('catalogAdmin.department')} name="departmentId">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 220 }}
            options={(options.data?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Form.Item label={t('catalogAdmin.status')} name="status">
          <Select
            allowClear
            style={{ width: 120 }}
            options={STATUSES.map((s) => ({ value: s, label: names.status(s) }))}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit">{t('common.search')}</Button>
            <Button type="primary" onClick={() => navigate('/admin/catalog/new')}>
              {t('catalogAdmin.create')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {items.isError ? (
        <Alert type="error" showIcon title={errorText(items.error, lang)} style={{ marginBottom: 16 }} />
      ) : null}
      <Table<AdminItemSummary>
        rowKey="taskCode"
        loading={items.isFetching}
        dataSource={items.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: items.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          {
            title: t('catalogAdmin.name'),
            dataIndex: 'name',
            render: (v: string, it) => <Link to={`/admin/catalog/${it.taskCode}`}>{v}</Link>,
          },
          { title: t('catalogAdmin.taskCode'), dataIndex: 'taskCode' },
          { title: t('catalogAdmin.department'), dataIndex: 'departmentName' },
          { title: t('catalogAdmin.taskType'), dataIndex: 'taskType', render: (v: string) => names.taskType(v) },
          { title: t('catalogAdmin.version'), dataIndex: 'taskVersion' },
          { title: t('catalogAdmin.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('catalogAdmin.updatedAt'),
            dataIndex: 'updatedAt',
            render: (v: string) => new Date(v).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, it) => (
              <Space>
                <Button
                  size="small"
                  onClick={() => navigate(`/admin/catalog/${it.taskCode}`)}
                  aria-label={t('catalogAdmin.editLabel', { name: it.name })}
                >
                  {t('common.edit')}
                </Button>
                {it.status === 'published' ? (
                  <Popconfirm title={t('catalogAdmin.cancelConfirm', { name: it.name })} onConfirm={() => cancel(it)}>
                    <Button size="small" danger aria-label={t('catalogAdmin.cancelLabel', { name: it.name })}>
                      {t('catalogAdmin.cancelItem')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

type BasicRow = BasicItem & { implementations: number; taskTypeName: string | null };

function BasicTab() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const names = useCodeNames();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<BasicRow | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const list = useQuery({
    queryKey: ['catalog', 'admin', 'basic', q, page],
    queryFn: () => api.get<Page<BasicRow>>('/catalog/basic-items', { q, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

  const open = (b: BasicRow | 'new') => {
    form.resetFields();
    if (b !== 'new')
      form.setFieldsValue({
        catalogCode: b.catalogCode,
        name: b.name,
        taskType: b.taskType,
        parentCode: b.parentCode ?? '',
        legalBasis: b.legalBasis ?? '',
      });
    setEditing(b);
  };

  const save = async (v: {
    catalogCode: string;
    name: string;
    taskType: string;
    parentCode?: string;
    legalBasis?: string;
  }) => {
    setBusy(true);
    try {
      await put(`/catalog/basic-items/${encodeURIComponent(v.catalogCode.trim())}`, {
        name: v.name.trim(),
        taskType: v.taskType,
        parentCode: v.parentCode?.trim() || null,
        legalBasis: v.legalBasis?.trim() || null,
      });
      message.success(t('common.saved'));
      setEditing(null);
      void qc.invalidateQueries({ queryKey: ['catalog', 'admin', 'basic'] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Paragraph type="secondary">{t('catalogAdmin.basicIntro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t('catalogAdmin.basicSearch')}
          placeholder={t('catalogAdmin.basicSearch')}
          allowClear
          enterButton={t('common.search')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 320 }}
        />
        <Button type="primary" onClick={() => open('new')}>
          {t('catalogAdmin.basicCreate')}
        </Button>
      </Space>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
      <Table<BasicRow>
        rowKey="catalogCode"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { n }),
        }}
        columns={[
          { title: t('catalogAdmin.catalogCode'), dataIndex: 'catalogCode' },
          { title: t('catalogAdmin.name'), dataIndex: 'name' },
          { title: t('catalogAdmin.taskType'), dataIndex: 'taskType', render: (v: string) => names.taskType(v) },
          { title: t('catalogAdmin.parentCode'), dataIndex: 'parentCode', render: (v: string | null) => v ?? '—' },
          { title: t('catalogAdmin.implementations'), dataIndex: 'implementations' },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, b) => (
              <Button size="small" onClick={() => open(b)} aria-label={t('catalogAdmin.editLabel', { name: b.name })}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('catalogAdmin.basicCreate') : t('catalogAdmin.basicEdit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form name="basicItem" form={form} layout="vertical" onFinish={save}>
          <Form.Item
            label={t('catalogAdmin.catalogCode')}
            name="catalogCode"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^[0-9A-Z]{12}$/, message: t('catalogAdmin.catalogCodeInvalid') },
            ]}
          >
            <Input disabled={editing !== 'new'} maxLength={12} />
          </Form.Item>
          <Form.Item
            label={t('catalogAdmin.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            label={t('catalogAdmin.taskType')}
            name="taskType"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select options={TASK_TYPE_CODES.map((c) => ({ value: c, label: `${c} ${names.taskType(c)}` }))} />
          </Form.Item>
          <Form.Item
            label={t('catalogAdmin.parentCode')}
            name="parentCode"
            rules={[{ pattern: /^[0-9A-Z]{12}$/, message: t('catalogAdmin.catalogCodeInvalid') }]}
          >
            <Input maxLength={12} />
          </Form.Item>
          <Form.Item label={t('catalogAdmin.legalBasis')} name="legalBasis">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

interface ImportProblem {
  sheet: string;
  row: number;
  field: string;
  column?: string;
  code: string;
  message: string;
  messageEn: string;
}

function TransferTab() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<{ text: string; rows: ImportProblem[] } | null>(null);
  const [result, setResult] = useState<{ created: number; versioned: number } | null>(null);

  const run = async (file: File) => {
    setBusy(true);
    setProblems(null);
    setResult(null);
    try {
      const r = await uploadFile<{ created: number; versioned: number }>('/catalog/import', file);
      setResult(r);
      message.success(t('catalogAdmin.importDone', { created: r.created, versioned: r.versioned }));
      void qc.invalidateQueries({ queryKey: ['catalog'] });
    } catch (e) {
      const rows =
        e instanceof ApiError && Array.isArray(e.body.rows) ? (e.body.rows as unknown as ImportProblem[]) : [];
      if (rows.length) setProblems({ text: errorText(e, lang), rows });
      else message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={<h2 className="yw-card-title">{t('catalogAdmin.exportTitle')}</h2>}>
        <Typography.Paragraph>{t('catalogAdmin.exportIntro')}</Typography.Paragraph>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href="/api/v1/catalog/export?format=xlsx" download>
            {t('catalogAdmin.exportXlsx')}
          </Button>
          <Button icon={<DownloadOutlined />} href="/api/v1/catalog/export?format=json" download>
            {t('catalogAdmin.exportJson')}
          </Button>
        </Space>
      </Card>
      <Card title={<h2 className="yw-card-title">{t('catalogAdmin.importTitle')}</h2>}>
        <Typography.Paragraph>{t('catalogAdmin.importIntro')}</Typography.Paragraph>
        <Upload
          accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          beforeUpload={(file) => {
            void run(file);
            return false;
          }}
        >
          <Button type="primary" icon={<UploadOutlined />} loading={busy}>
            {t('catalogAdmin.importButton')}
          </Button>
        </Upload>
        {result ? (
          <Alert
            style={{ marginTop: 16 }}
            type="success"
            showIcon
            title={t('catalogAdmin.importDone', { created: result.created, versioned: result.versioned })}
          />
        ) : null}
        {problems ? (
          <div style={{ marginTop: 16 }}>
            <Alert type="error" showIcon title={problems.text} />
            <Table<ImportProblem>
              size="small"
              style={{ marginTop: 8 }}
              rowKey={(r) => `${r.sheet}-${r.row}-${r.field}-${r.code}`}
              dataSource={problems.rows}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              columns={[
                { title: t('catalogAdmin.sheet'), dataIndex: 'sheet' },
                { title: t('import.row'), dataIndex: 'row', width: 70 },
                {
                  title: t('import.field'),
                  key: 'field',
                  render: (_, r) => (r.column ? `${r.column}（${r.field}）` : r.field),
                },
                {
                  title: t('import.message'),
                  key: 'message',
                  render: (_, r) => (lang === 'en' ? r.messageEn : r.message),
                },
              ]}
            />
          </div>
        ) : null}
      </Card>
    </Space>
  );
}

export default function CatalogPage() {
  const { t } = usePrefs();
  return (
    <>
      <PageTitle>{t('catalogAdmin.title')}</PageTitle>
      <Tabs
        items={[
          { key: 'items', label: t('catalogAdmin.tabItems'), children: <ItemsTab /> },
          { key: 'basic', label: t('catalogAdmin.tabBasic'), children: <BasicTab /> },
          { key: 'transfer', label: t('catalogAdmin.tabTransfer'), children: <TransferTab /> },
        ]}
      />
    </>
  );
}
