import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, applyFormError, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { CREDIT_CODE_RE } from '../account/validators.ts';
import { ImportButton, PageTitle } from './common.tsx';

export type DepartmentKind = 'government' | 'institution' | 'other';

export interface Department {
  id: string;
  name: string;
  shortName: string | null;
  creditCode: string | null;
  regionCode: string;
  parentId: string | null;
  kind: DepartmentKind;
}

export function useDepartments(regionCode?: string, q?: string) {
  return useQuery({
    queryKey: ['departments', regionCode ?? '', q ?? ''],
    queryFn: () => api.get<{ items: Department[] }>('/org/departments', { regionCode, q }),
  });
}

const KINDS: DepartmentKind[] = ['government', 'institution', 'other'];

export default function DepartmentsPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [filters, setFilters] = useState<{ regionCode?: string; q?: string }>({});
  const deps = useDepartments(filters.regionCode, filters.q);
  const all = useDepartments();
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  const open = (d: Department | 'new') => {
    form.resetFields();
    if (d !== 'new') {
      form.setFieldsValue({
        name: d.name,
        shortName: d.shortName ?? '',
        creditCode: d.creditCode ?? '',
        regionCode: d.regionCode,
        kind: d.kind,
        parentId: d.parentId ?? undefined,
      });
    } else {
      form.setFieldsValue({ kind: 'government' });
    }
    setEditing(d);
  };

  const save = async (v: Record<string, string | undefined>) => {
    setBusy(true);
    const body = {
      name: v.name?.trim(),
      shortName: v.shortName?.trim() || null,
      creditCode: v.creditCode?.trim().toUpperCase() || null,
      regionCode: v.regionCode?.trim(),
      kind: v.kind,
      parentId: v.parentId || null,
    };
    try {
      if (editing === 'new') await api.post('/org/departments', body);
      else if (editing) await api.patch(`/org/departments/${editing.id}`, body);
      message.success(t('common.saved'));
      setEditing(null);
      void qc.invalidateQueries({ queryKey: ['departments'] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const nameOf = (id: string | null) => (id ? (all.data?.items.find((d) => d.id === id)?.name ?? id) : '');

  return (
    <>
      <PageTitle>{t('admin.menu.departments')}</PageTitle>
      <Form
        name="departmentFilter"
        layout="inline"
        className="yw-toolbar"
        onFinish={(v: { regionCode?: string; q?: string }) =>
          setFilters({ regionCode: v.regionCode?.trim() || undefined, q: v.q?.trim() || undefined })
        }
      >
        <Form.Item label={t('common.regionFilter')} name="regionCode">
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={t('common.keyword')} name="q">
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item>
          <Space wrap>
            <Button htmlType="submit">{t('common.search')}</Button>
            <Button type="primary" onClick={() => open('new')}>
              {t('departments.create')}
            </Button>
            <ImportButton
              path="/org/import/departments"
              label={t('departments.import')}
              onDone={() => void qc.invalidateQueries({ queryKey: ['departments'] })}
            />
          </Space>
        </Form.Item>
      </Form>
      {deps.isError && <Alert type="error" showIcon title={errorText(deps.error, lang)} style={{ marginBottom: 16 }} />}
      <Table<Department>
        rowKey="id"
        loading={deps.isFetching}
        dataSource={deps.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('departments.name'), dataIndex: 'name' },
          { title: t('departments.shortName'), dataIndex: 'shortName' },
          { title: t('register.creditCode'), dataIndex: 'creditCode' },
          { title: t('departments.region'), dataIndex: 'regionCode' },
          {
            title: t('departments.kind'),
            dataIndex: 'kind',
            render: (k: DepartmentKind) => <Tag>{t(`departments.kind.${k}` as MessageKey)}</Tag>,
          },
          { title: t('departments.parent'), dataIndex: 'parentId', render: (id: string | null) => nameOf(id) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, d) => (
              <Button size="small" onClick={() => open(d)} aria-label={`${t('common.edit')} ${d.name}`}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('departments.create') : t('departments.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form name="department" form={form} layout="vertical" onFinish={save}>
          <Form.Item
            label={t('departments.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('departments.shortName')} name="shortName">
            <Input />
          </Form.Item>
          <Form.Item
            label={t('register.creditCode')}
            name="creditCode"
            rules={[{ pattern: CREDIT_CODE_RE, message: t('form.creditCodeInvalid') }]}
          >
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item
            label={t('departments.region')}
            name="regionCode"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^\d{6}(\d{3}|\d{6})?$/, message: t('regions.codeInvalid') },
            ]}
          >
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item
            label={t('departments.kind')}
            name="kind"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select options={KINDS.map((k) => ({ value: k, label: t(`departments.kind.${k}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item label={t('departments.parent')} name="parentId">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={(all.data?.items ?? [])
                .filter((d) => editing === 'new' || editing?.id !== d.id)
                .map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
