/** /admin/licence-types — 证照目录: licence types (code, names, authority, holder kind, metadata schema, template, issuers, items). */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { CREDIT_CODE_RE } from '../account/validators.ts';
import { PageTitle } from '../admin/common.tsx';
import { useDepartments } from '../admin/Departments.tsx';
import { useLicenceTypes } from './bits.tsx';
import { type LicenceType, labelOf, putJson, type TemplateField } from './model.ts';

interface CatalogHit {
  taskCode: string;
  name: string;
}

const EXAMPLE_SCHEMA = JSON.stringify(
  {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', title: '名称', maxLength: 200 } },
  },
  null,
  2,
);

export default function AdminTypesPage() {
  const { t, lang } = usePrefs();
  const types = useLicenceTypes();
  const departments = useDepartments();
  const [editing, setEditing] = useState<LicenceType | 'new' | null>(null);
  const depName = (id: string) => departments.data?.items.find((d) => d.id === id)?.name ?? id;
  return (
    <>
      <PageTitle>{t('admin.menu.licence-types')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('licences.types.intro')}</Typography.Paragraph>
      <div className="yw-toolbar">
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setEditing('new')}>
          {t('licences.types.create')}
        </Button>
      </div>
      {types.error ? (
        <Alert type="error" showIcon title={errorText(types.error, lang)} style={{ marginBottom: 16 }} />
      ) : null}
      <Table<LicenceType>
        rowKey="id"
        loading={types.isFetching}
        dataSource={types.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('licences.types.empty') }}
        columns={[
          { title: t('licences.types.typeCode'), dataIndex: 'typeCode', render: (v: string) => <code>{v}</code> },
          {
            title: t('licences.types.name'),
            key: 'name',
            render: (_: unknown, ty) => (
              <Space orientation="vertical" size={0}>
                <span>{ty.name}</span>
                {ty.nameEn ? <Typography.Text type="secondary">{ty.nameEn}</Typography.Text> : null}
              </Space>
            ),
          },
          { title: t('licences.types.authority'), dataIndex: 'authorityName' },
          {
            title: t('licences.types.holderKind'),
            dataIndex: 'holderKind',
            render: (v: string) => labelOf(t, 'licences.holderKind', v),
          },
          {
            title: t('licences.types.validityYears'),
            dataIndex: 'validityYears',
            render: (v: number | null) => (v ? t('licences.types.years', { n: v }) : t('licences.validity.longTerm')),
          },
          {
            title: t('licences.types.departments'),
            dataIndex: 'issuingDepartmentIds',
            render: (ids: string[]) => ids.map(depName).join(t('licences.listSep')),
          },
          {
            title: t('licences.types.items'),
            dataIndex: 'taskCodes',
            render: (codes: string[]) => t('licences.types.itemsN', { n: codes.length }),
          },
          {
            title: t('licences.f.status'),
            dataIndex: 'status',
            render: (v: string) => (
              <Tag color={v === 'active' ? 'success' : 'default'}>{labelOf(t, 'licences.typeStatus', v)}</Tag>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, ty) => (
              <Button size="small" onClick={() => setEditing(ty)} aria-label={`${t('common.edit')} ${ty.name}`}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing ? <TypeEditor type={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

interface TypeForm {
  typeCode: string;
  name: string;
  nameEn?: string;
  authorityName: string;
  authorityCode: string;
  holderKind: 'person' | 'enterprise';
  validityYears?: number | null;
  issuingDepartmentIds: string[];
  taskCodes: string[];
  schemaText: string;
  fields: TemplateField[];
}

/** Form path of an API field path: template.fields.0.key → fields.0.key; issuingDepartmentIds.2 → issuingDepartmentIds. */
function formPath(field: string): (string | number)[] {
  if (field.startsWith('template.fields.'))
    return [
      'fields',
      ...field
        .slice('template.fields.'.length)
        .split('.')
        .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
    ];
  if (field === 'metadataSchema') return ['schemaText'];
  return [field.split('.')[0] ?? field];
}

function parseSchema(text: string): { ok: true; schema: Record<string, unknown> } | { ok: false } {
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v) || v.type !== 'object' || typeof v.properties !== 'object')
      return { ok: false };
    return { ok: true, schema: v };
  } catch {
    return { ok: false };
  }
}

function TypeEditor({ type, onClose }: { type: LicenceType | null; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const departments = useDepartments();
  const [form] = Form.useForm<TypeForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const items = useQuery({
    queryKey: ['catalog', 'items', 'search', q],
    queryFn: () => api.get<{ items: CatalogHit[] }>('/catalog/items', { q: q || undefined, pageSize: 100 }),
  });
  const schemaText = Form.useWatch('schemaText', form) ?? '';
  const propKeys = useMemo(() => {
    const p = parseSchema(schemaText);
    return p.ok ? Object.keys(p.schema.properties as object) : [];
  }, [schemaText]);
  const selected: string[] = Form.useWatch('taskCodes', form) ?? type?.taskCodes ?? [];
  const [known, setKnown] = useState<Record<string, string>>({});
  const names = { ...known, ...Object.fromEntries((items.data?.items ?? []).map((i) => [i.taskCode, i.name])) };
  const itemOptions = [...new Set([...selected, ...(items.data?.items ?? []).map((i) => i.taskCode)])].map((code) => ({
    value: code,
    label: names[code] ? `${names[code]}（${code}）` : code,
  }));

  const send = async (v: TypeForm) => {
    const parsed = parseSchema(v.schemaText);
    if (!parsed.ok) return;
    setBusy(true);
    setError(null);
    const body = {
      typeCode: v.typeCode.trim().toUpperCase(),
      name: v.name.trim(),
      nameEn: v.nameEn?.trim() || null,
      authorityName: v.authorityName.trim(),
      authorityCode: v.authorityCode.trim().toUpperCase(),
      holderKind: v.holderKind,
      metadataSchema: parsed.schema,
      template: {
        fields: (v.fields ?? []).map((f) => ({
          key: f.key.trim(),
          label: f.label.trim(),
          labelEn: f.labelEn?.trim() || null,
          fromForm: f.fromForm?.trim() || null,
        })),
      },
      validityYears: v.validityYears ?? null,
      issuingDepartmentIds: v.issuingDepartmentIds ?? [],
      taskCodes: v.taskCodes ?? [],
    };
    try {
      if (type) await putJson(`/licences/types/${encodeURIComponent(type.id)}`, body);
      else await api.post('/licences/types', body);
      message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['licences', 'types'] });
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.field) {
        form.setFields([{ name: formPath(e.field) as ['typeCode'], errors: [e.text(lang)] }]);
        setError(e.text(lang));
      } else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={920}
      title={type ? t('licences.types.edit', { name: type.name }) : t('licences.types.create')}
      okText={t('licences.types.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<TypeForm>
        form={form}
        name="licenceType"
        layout="vertical"
        initialValues={
          type
            ? {
                ...type,
                nameEn: type.nameEn ?? '',
                schemaText: JSON.stringify(type.metadataSchema, null, 2),
                fields: type.template.fields.map((f) => ({
                  ...f,
                  labelEn: f.labelEn ?? '',
                  fromForm: f.fromForm ?? '',
                })),
              }
            : { holderKind: 'person', issuingDepartmentIds: [], taskCodes: [], schemaText: EXAMPLE_SCHEMA, fields: [] }
        }
        onFinish={(v) => void send(v)}
      >
        <Space wrap size="middle" align="start" style={{ width: '100%' }}>
          <Form.Item
            label={t('licences.types.typeCode')}
            name="typeCode"
            extra={t('licences.types.typeCodeHint')}
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/i, message: t('licences.types.typeCodeInvalid') },
            ]}
          >
            <Input maxLength={21} disabled={!!type} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item
            label={t('licences.types.authorityCode')}
            name="authorityCode"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: CREDIT_CODE_RE, message: t('form.creditCodeInvalid') },
              ({ getFieldValue }) => ({
                validator: async (_: unknown, v?: string) => {
                  const code = String(getFieldValue('typeCode') ?? '').toUpperCase();
                  if (v && code.length === 21 && code.slice(0, 18) !== v.toUpperCase())
                    throw new Error(t('licences.types.authorityMismatch'));
                },
              }),
            ]}
          >
            <Input maxLength={18} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item
            label={t('licences.types.authorityName')}
            name="authorityName"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={100} style={{ width: 260 }} />
          </Form.Item>
        </Space>
        <Space wrap size="middle" align="start" style={{ width: '100%' }}>
          <Form.Item
            label={t('licences.types.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={100} style={{ width: 300 }} />
          </Form.Item>
          <Form.Item label={t('licences.types.nameEn')} name="nameEn">
            <Input maxLength={200} style={{ width: 300 }} />
          </Form.Item>
        </Space>
        <Space wrap size="middle" align="start" style={{ width: '100%' }}>
          <Form.Item label={t('licences.types.holderKind')} name="holderKind">
            <Radio.Group
              options={[
                { value: 'person', label: t('licences.holderKind.person') },
                { value: 'enterprise', label: t('licences.holderKind.enterprise') },
              ]}
            />
          </Form.Item>
          <Form.Item
            label={t('licences.types.validityYears')}
            name="validityYears"
            extra={t('licences.types.validityHint')}
          >
            <InputNumber min={1} max={99} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Form.Item
          label={t('licences.types.departments')}
          name="issuingDepartmentIds"
          rules={[{ required: true, type: 'array', min: 1, message: t('licences.types.departmentsRequired') }]}
        >
          <Select
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            loading={departments.isLoading}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Form.Item label={t('licences.types.items')} name="taskCodes" extra={t('licences.types.itemsHint')}>
          <Select
            mode="multiple"
            showSearch={{ filterOption: false, onSearch: (s) => setQ(s.trim()) }}
            loading={items.isFetching}
            options={itemOptions}
            onChange={(codes: string[]) =>
              setKnown((k) => ({
                ...k,
                ...Object.fromEntries(codes.filter((c) => names[c]).map((c) => [c, names[c] ?? c])),
              }))
            }
          />
        </Form.Item>
        <Form.Item
          label={t('licences.types.schema')}
          name="schemaText"
          extra={t('licences.types.schemaHint')}
          rules={[
            {
              validator: async (_: unknown, v?: string) => {
                if (!parseSchema(v ?? '').ok) throw new Error(t('licences.types.schemaInvalid'));
              },
            },
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 6, maxRows: 18 }}
            spellCheck={false}
            style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace' }}
          />
        </Form.Item>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          {t('licences.types.template')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('licences.types.templateHint')}</Typography.Paragraph>
        <Form.List name="fields">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, i) => (
                <Space
                  key={row.key}
                  wrap
                  align="start"
                  role="group"
                  aria-label={t('licences.types.fieldN', { n: i + 1 })}
                >
                  <Form.Item
                    label={t('licences.types.fieldKey')}
                    name={[row.name, 'key']}
                    rules={[
                      { required: true, whitespace: true, message: t('form.required') },
                      {
                        validator: async (_: unknown, v?: string) => {
                          if (v && propKeys.length && !propKeys.includes(v))
                            throw new Error(t('licences.types.fieldKeyUnknown'));
                        },
                      },
                    ]}
                  >
                    <Select style={{ width: 160 }} options={propKeys.map((k) => ({ value: k, label: k }))} />
                  </Form.Item>
                  <Form.Item
                    label={t('licences.types.fieldLabel')}
                    name={[row.name, 'label']}
                    rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                  >
                    <Input maxLength={100} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item label={t('licences.types.fieldLabelEn')} name={[row.name, 'labelEn']}>
                    <Input maxLength={200} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item label={t('licences.types.fromForm')} name={[row.name, 'fromForm']}>
                    <Input maxLength={100} style={{ width: 150 }} />
                  </Form.Item>
                  <Form.Item label={<span className="yw-sr-only">{t('licences.types.removeField')}</span>}>
                    <Button
                      icon={<MinusCircleOutlined aria-hidden />}
                      onClick={() => remove(row.name)}
                      aria-label={t('licences.types.removeFieldN', { n: i + 1 })}
                    />
                  </Form.Item>
                </Space>
              ))}
              <Button
                onClick={() => add({ key: '', label: '', labelEn: '', fromForm: '' })}
                icon={<PlusOutlined aria-hidden />}
              >
                {t('licences.types.addField')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
      {error ? <Alert style={{ marginTop: 16 }} type="error" showIcon role="alert" title={error} /> : null}
    </Modal>
  );
}
