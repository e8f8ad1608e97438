/**
 * /admin/catalog/new and /admin/catalog/:taskCode — the editor of an implementation-list item:
 * every field of domain reference §1, child tables edited inline, the workflow editor, the form
 * designer, and the item's versions. Saving publishes a new version (PUT) or version 1 (POST).
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { useLicenceTypes } from '../licences/bits.tsx';
import { FormDesigner, type FormSchema } from './CatalogFormDesigner.tsx';
import {
  FULFILMENTS,
  type Guide,
  type ItemInput,
  type ItemVersionInfo,
  MATERIAL_TYPES,
  namePath,
  ONLINE_DEPTHS,
  PROJECT_TYPE_CODES,
  put,
  StatusTag,
  TASK_TYPE_CODES,
  UNIT_CODES,
  USE_LEVEL_CODES,
  useCatalogOptions,
  useCodeNames,
} from './CatalogShared.tsx';
import { WorkflowEditor } from './CatalogWorkflow.tsx';
import { PageTitle } from './common.tsx';
import { SharedSourceInput } from './SharedSourceInput.tsx';

type Version = Guide & { parentCatalogCode: string | null; taskTypeName: string | null };

const EMPTY_SCHEMA: FormSchema = { type: 'object', properties: {} };

const blankItem = () => ({
  catalogCode: '',
  parentCatalogCode: '',
  name: '',
  taskType: '01',
  useLevel: '3',
  departmentId: undefined,
  projectType: 2,
  statutoryLimit: 20,
  statutoryUnit: 1,
  promisedLimit: 10,
  promisedUnit: 1,
  visitsRequired: 0,
  isOnline: true,
  onlineDepth: [1, 2, 3, 4],
  serviceObject: ['person'],
  themes: [],
  fee: { isFee: false, basis: '', items: [], waiver: '' },
  materials: [],
  steps: [
    { name: '受理', days: 1, unit: 1, role: 'window_staff', countersign: [] },
    { name: '审查', days: 3, unit: 1, role: 'approver', countersign: [] },
    { name: '决定', days: 1, unit: 1, role: 'approver', countersign: [] },
  ],
  results: [],
  faqs: [],
});

function formValuesOf(v: Version) {
  return {
    ...v,
    parentCatalogCode: v.parentCatalogCode ?? '',
    fee: { isFee: v.fee.isFee, basis: v.fee.basis ?? '', items: v.fee.items, waiver: v.fee.waiver ?? '' },
    steps: v.steps.map((s) => ({ ...s, role: s.role ?? undefined, countersign: s.countersign ?? [] })),
    // A SHARED_DATA material's source is kept as JSON text, edited in SharedSourceInput's dialog.
    materials: v.materials.map((m: any) => ({ ...m, sourceText: m.source ? JSON.stringify(m.source) : '' })),
  };
}

function sourceOf(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string' || !text.trim()) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The request body from the form's values (every field, registered or not) and the designed schema. */
function bodyOf(v: any, formSchema: FormSchema): ItemInput {
  return {
    catalogCode: String(v.catalogCode ?? '').trim(),
    parentCatalogCode: text(v.parentCatalogCode),
    name: String(v.name ?? '').trim(),
    taskType: v.taskType,
    useLevel: v.useLevel,
    departmentId: v.departmentId,
    projectType: v.projectType,
    statutoryLimit: v.statutoryLimit,
    statutoryUnit: v.statutoryUnit,
    promisedLimit: v.promisedLimit,
    promisedUnit: v.promisedUnit,
    visitsRequired: v.visitsRequired ?? 0,
    isOnline: !!v.isOnline,
    onlineDepth: v.onlineDepth ?? [],
    serviceObject: v.serviceObject ?? [],
    conditions: text(v.conditions),
    legalBasis: text(v.legalBasis),
    address: text(v.address),
    officeHours: text(v.officeHours),
    contact: text(v.contact),
    fee: {
      isFee: !!v.fee?.isFee,
      basis: text(v.fee?.basis),
      items: (v.fee?.items ?? []).map((f: any) => ({ name: f.name, standard: f.standard, basis: text(f.basis) })),
      waiver: text(v.fee?.waiver),
    },
    themes: v.themes ?? [],
    formSchema,
    materials: (v.materials ?? []).map((m: any) => ({
      name: String(m.name ?? '').trim(),
      type: m.type,
      required: !!m.required,
      copies: m.copies ?? 1,
      fulfilment: m.fulfilment,
      format: text(m.format),
      maxSizeMb: m.maxSizeMb ?? null,
      acceptanceStandard: text(m.acceptanceStandard),
      ...(m.fulfilment === 'ECERT' ? { licenceTypeCode: text(m.licenceTypeCode) } : {}),
      ...(m.fulfilment === 'SHARED_DATA' ? { source: sourceOf(m.sourceText) } : {}),
    })),
    steps: (v.steps ?? []).map((s: any) => ({
      name: String(s.name ?? '').trim(),
      days: s.days ?? 0,
      unit: s.unit ?? 1,
      role: s.role || null,
      countersign: s.countersign ?? [],
    })),
    results: (v.results ?? []).map((r: any) => ({ name: r.name, type: r.type })),
    faqs: (v.faqs ?? []).map((f: any) => ({ q: f.q, a: f.a })),
    duties: text(v.duties),
    accountability: text(v.accountability),
  };
}

/** Which tab holds a field named by the server. */
function tabOf(field: string): string {
  if (field.startsWith('formSchema')) return 'form';
  if (field.startsWith('materials')) return 'materials';
  if (field.startsWith('fee')) return 'fees';
  if (field.startsWith('steps')) return 'workflow';
  if (field.startsWith('results') || field.startsWith('faqs')) return 'results';
  return 'basic';
}

interface ChildColumn {
  key: string;
  title: string;
  render: (row: number, i: number) => ReactNode;
}

/** A child table (materials, fee items, results, FAQs) edited inline through Form.List. */
function ChildTable({
  name,
  columns,
  blank,
  addLabel,
  rowLabel,
}: {
  name: string | (string | number)[];
  columns: ChildColumn[];
  blank: Record<string, unknown>;
  addLabel: string;
  rowLabel: (i: number) => string;
}) {
  const { t } = usePrefs();
  return (
    <Form.List name={name}>
      {(rows, { add, remove, move }) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Table
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={rows}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('common.none') }}
            columns={[
              { title: '#', key: 'n', width: 40, render: (_, __, i) => i + 1 },
              ...columns.map((c) => ({
                title: c.title,
                key: c.key,
                render: (_: unknown, r: { name: number }, i: number) => c.render(r.name, i),
              })),
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_: unknown, r: { name: number }, i: number) => (
                  <Space size={4}>
                    <Button
                      size="small"
                      icon={<ArrowUpOutlined />}
                      disabled={i === 0}
                      onClick={() => move(i, i - 1)}
                      aria-label={t('catalogAdmin.moveUpLabel', { name: rowLabel(i) })}
                    />
                    <Button
                      size="small"
                      icon={<ArrowDownOutlined />}
                      disabled={i === rows.length - 1}
                      onClick={() => move(i, i + 1)}
                      aria-label={t('catalogAdmin.moveDownLabel', { name: rowLabel(i) })}
                    />
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(r.name)}
                      aria-label={t('catalogAdmin.removeLabel', { name: rowLabel(i) })}
                    />
                  </Space>
                ),
              },
            ]}
          />
          <Button icon={<PlusOutlined />} onClick={() => add(blank)}>
            {addLabel}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}

const cell = { style: { margin: 0 } };

function MaterialsTab({ schema }: { schema: FormSchema }) {
  const { t, lang } = usePrefs();
  const formFields = Object.entries((schema.properties ?? {}) as Record<string, { title?: string }>).map(
    ([name, p]) => ({ name, title: p.title ?? name }),
  );
  const licenceTypes = useLicenceTypes();
  const required = [{ required: true, whitespace: true, message: t('form.required') }];
  const l = (key: string, i: number) =>
    t('catalogAdmin.rowField', { n: i + 1, field: t(`catalogAdmin.material.${key}` as MessageKey) });
  return (
    <ChildTable
      name="materials"
      addLabel={t('catalogAdmin.material.add')}
      rowLabel={(i) => t('catalogAdmin.material.n', { n: i + 1 })}
      blank={{
        name: '',
        type: 'original',
        required: true,
        copies: 1,
        fulfilment: 'UPLOAD',
        format: 'pdf,jpg,png',
        maxSizeMb: 10,
        acceptanceStandard: '',
      }}
      columns={[
        {
          key: 'name',
          title: t('catalogAdmin.material.name'),
          render: (r, i) => (
            <Form.Item name={[r, 'name']} rules={required} {...cell}>
              <Input aria-label={l('name', i)} style={{ width: 180 }} />
            </Form.Item>
          ),
        },
        {
          key: 'type',
          title: t('catalogAdmin.material.type'),
          render: (r, i) => (
            <Form.Item name={[r, 'type']} {...cell}>
              <Select
                aria-label={l('type', i)}
                style={{ width: 110 }}
                options={MATERIAL_TYPES.map((x) => ({ value: x, label: t(`services.material.${x}`) }))}
              />
            </Form.Item>
          ),
        },
        {
          key: 'required',
          title: t('catalogAdmin.material.required'),
          render: (r, i) => (
            <Form.Item name={[r, 'required']} valuePropName="checked" {...cell}>
              <Checkbox aria-label={l('required', i)} />
            </Form.Item>
          ),
        },
        {
          key: 'copies',
          title: t('catalogAdmin.material.copies'),
          render: (r, i) => (
            <Form.Item name={[r, 'copies']} {...cell}>
              <InputNumber min={0} max={100} precision={0} aria-label={l('copies', i)} style={{ width: 70 }} />
            </Form.Item>
          ),
        },
        {
          key: 'fulfilment',
          title: t('catalogAdmin.material.fulfilment'),
          render: (r, i) => (
            <Form.Item name={[r, 'fulfilment']} {...cell}>
              <Select
                aria-label={l('fulfilment', i)}
                style={{ width: 120 }}
                options={FULFILMENTS.map((x) => ({ value: x, label: t(`services.fulfilment.${x}`) }))}
              />
            </Form.Item>
          ),
        },
        {
          key: 'format',
          title: t('catalogAdmin.material.format'),
          render: (r, i) => (
            <Form.Item name={[r, 'format']} {...cell}>
              <Input aria-label={l('format', i)} style={{ width: 110 }} placeholder="pdf,jpg" />
            </Form.Item>
          ),
        },
        {
          key: 'maxSizeMb',
          title: t('catalogAdmin.material.maxSizeMb'),
          render: (r, i) => (
            <Form.Item name={[r, 'maxSizeMb']} {...cell}>
              <InputNumber min={0} max={1024} aria-label={l('maxSizeMb', i)} style={{ width: 80 }} />
            </Form.Item>
          ),
        },
        {
          key: 'acceptanceStandard',
          title: t('catalogAdmin.material.acceptanceStandard'),
          render: (r, i) => (
            <Form.Item name={[r, 'acceptanceStandard']} {...cell}>
              <Input aria-label={l('acceptanceStandard', i)} style={{ width: 200 }} />
            </Form.Item>
          ),
        },
        {
          key: 'source',
          title: t('catalogAdmin.material.source'),
          render: (r, i) => (
            <Form.Item noStyle shouldUpdate>
              {({ getFieldValue }) => {
                const f = getFieldValue(['materials', r, 'fulfilment']);
                if (f === 'ECERT')
                  return (
                    <Form.Item name={[r, 'licenceTypeCode']} rules={required} {...cell}>
                      <Select
                        aria-label={l('source', i)}
                        style={{ width: 200 }}
                        options={(licenceTypes.data ?? []).map((x) => ({
                          value: x.typeCode,
                          label: `${lang === 'en' && x.nameEn ? x.nameEn : x.name}（${x.typeCode}）`,
                        }))}
                      />
                    </Form.Item>
                  );
                if (f === 'SHARED_DATA')
                  return (
                    <Form.Item
                      name={[r, 'sourceText']}
                      rules={[
                        ...required,
                        {
                          validator: (_: unknown, v: unknown) =>
                            typeof sourceOf(v)?.resourceCode === 'string'
                              ? Promise.resolve()
                              : Promise.reject(new Error(t('catalogAdmin.material.sourceInvalid'))),
                        },
                      ]}
                      {...cell}
                    >
                      <SharedSourceInput
                        aria-label={l('source', i)}
                        formFields={formFields}
                        departmentId={getFieldValue('departmentId')}
                      />
                    </Form.Item>
                  );
                return <span aria-hidden="true">—</span>;
              }}
            </Form.Item>
          ),
        },
      ]}
    />
  );
}

function FeesTab() {
  const { t } = usePrefs();
  const required = [{ required: true, whitespace: true, message: t('form.required') }];
  const l = (key: string, i: number) =>
    t('catalogAdmin.rowField', { n: i + 1, field: t(`catalogAdmin.fee.${key}` as MessageKey) });
  return (
    <>
      <Form.Item label={t('catalogAdmin.fee.isFee')} name={['fee', 'isFee']} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item label={t('catalogAdmin.fee.basis')} name={['fee', 'basis']}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item label={t('catalogAdmin.fee.waiver')} name={['fee', 'waiver']}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t('catalogAdmin.fee.items')}
      </Typography.Title>
      <ChildTable
        name={['fee', 'items']}
        addLabel={t('catalogAdmin.fee.add')}
        rowLabel={(i) => t('catalogAdmin.fee.n', { n: i + 1 })}
        blank={{ name: '', standard: '', basis: '' }}
        columns={[
          {
            key: 'name',
            title: t('catalogAdmin.fee.name'),
            render: (r, i) => (
              <Form.Item name={[r, 'name']} rules={required} {...cell}>
                <Input aria-label={l('name', i)} style={{ width: 180 }} />
              </Form.Item>
            ),
          },
          {
            key: 'standard',
            title: t('catalogAdmin.fee.standard'),
            render: (r, i) => (
              <Form.Item name={[r, 'standard']} rules={required} {...cell}>
                <Input aria-label={l('standard', i)} style={{ width: 200 }} />
              </Form.Item>
            ),
          },
          {
            key: 'basis',
            title: t('catalogAdmin.fee.itemBasis'),
            render: (r, i) => (
              <Form.Item name={[r, 'basis']} {...cell}>
                <Input aria-label={l('itemBasis', i)} style={{ width: 240 }} />
              </Form.Item>
            ),
          },
        ]}
      />
    </>
  );
}

function ResultsTab() {
  const { t } = usePrefs();
  const required = [{ required: true, whitespace: true, message: t('form.required') }];
  const lr = (key: string, i: number) =>
    t('catalogAdmin.rowField', { n: i + 1, field: t(`catalogAdmin.result.${key}` as MessageKey) });
  const lf = (key: string, i: number) =>
    t('catalogAdmin.rowField', { n: i + 1, field: t(`catalogAdmin.faq.${key}` as MessageKey) });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card size="small" title={<h3 className="yw-card-title">{t('catalogAdmin.result.title')}</h3>}>
        <ChildTable
          name="results"
          addLabel={t('catalogAdmin.result.add')}
          rowLabel={(i) => t('catalogAdmin.result.n', { n: i + 1 })}
          blank={{ name: '', type: '证照' }}
          columns={[
            {
              key: 'name',
              title: t('catalogAdmin.result.name'),
              render: (r, i) => (
                <Form.Item name={[r, 'name']} rules={required} {...cell}>
                  <Input aria-label={lr('name', i)} style={{ width: 260 }} />
                </Form.Item>
              ),
            },
            {
              key: 'type',
              title: t('catalogAdmin.result.type'),
              render: (r, i) => (
                <Form.Item name={[r, 'type']} rules={required} {...cell}>
                  <Input aria-label={lr('type', i)} style={{ width: 140 }} />
                </Form.Item>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={<h3 className="yw-card-title">{t('catalogAdmin.faq.title')}</h3>}>
        <ChildTable
          name="faqs"
          addLabel={t('catalogAdmin.faq.add')}
          rowLabel={(i) => t('catalogAdmin.faq.n', { n: i + 1 })}
          blank={{ q: '', a: '' }}
          columns={[
            {
              key: 'q',
              title: t('catalogAdmin.faq.q'),
              render: (r, i) => (
                <Form.Item name={[r, 'q']} rules={required} {...cell}>
                  <Input.TextArea aria-label={lf('q', i)} rows={2} style={{ width: 260 }} />
                </Form.Item>
              ),
            },
            {
              key: 'a',
              title: t('catalogAdmin.faq.a'),
              render: (r, i) => (
                <Form.Item name={[r, 'a']} rules={required} {...cell}>
                  <Input.TextArea aria-label={lf('a', i)} rows={2} style={{ width: 360 }} />
                </Form.Item>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function BasicTab({ isNew, taskCode }: { isNew: boolean; taskCode: string }) {
  const { t } = usePrefs();
  const names = useCodeNames();
  const options = useCatalogOptions();
  const required = { required: true, message: t('form.required') };
  const unitOptions = UNIT_CODES.map((u) => ({ value: u, label: names.unit(u) }));
  return (
    <>
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('catalogAdmin.taskCode')}>
          <Typography.Text code data-testid="task-code">
            {taskCode || t('catalogAdmin.taskCodePending')}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.name')} name="name" rules={[{ ...required, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.department')} name="departmentId" rules={[required]}>
            <Select
              disabled={!isNew}
              showSearch={{ optionFilterProp: 'label' }}
              options={(options.data?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            label={t('catalogAdmin.catalogCode')}
            name="catalogCode"
            rules={[required, { pattern: /^[0-9A-Z]{12}$/, message: t('catalogAdmin.catalogCodeInvalid') }]}
          >
            <Input disabled={!isNew} maxLength={12} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            label={t('catalogAdmin.parentCode')}
            name="parentCatalogCode"
            rules={[{ pattern: /^[0-9A-Z]{12}$/, message: t('catalogAdmin.catalogCodeInvalid') }]}
          >
            <Input maxLength={12} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('catalogAdmin.taskType')} name="taskType" rules={[required]}>
            <Select options={TASK_TYPE_CODES.map((c) => ({ value: c, label: `${c} ${names.taskType(c)}` }))} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('catalogAdmin.useLevel')} name="useLevel" rules={[required]}>
            <Select
              disabled={!isNew}
              options={USE_LEVEL_CODES.map((c) => ({ value: c, label: `${c} ${names.level(c)}` }))}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('catalogAdmin.projectType')} name="projectType" rules={[required]}>
            <Select options={PROJECT_TYPE_CODES.map((c) => ({ value: c, label: names.projectType(c) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('catalogAdmin.visitsRequired')} name="visitsRequired" rules={[required]}>
            <InputNumber min={0} max={10} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('catalogAdmin.isOnline')} name="isOnline" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.statutoryLimit')} required>
            <Space.Compact>
              <Form.Item name="statutoryLimit" noStyle rules={[required]}>
                <InputNumber min={0} precision={0} aria-label={t('catalogAdmin.statutoryLimit')} />
              </Form.Item>
              <Form.Item name="statutoryUnit" noStyle>
                <Select options={unitOptions} style={{ width: 110 }} aria-label={t('catalogAdmin.statutoryUnit')} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.promisedLimit')} required>
            <Space.Compact>
              <Form.Item name="promisedLimit" noStyle rules={[required]}>
                <InputNumber min={0} precision={0} aria-label={t('catalogAdmin.promisedLimit')} />
              </Form.Item>
              <Form.Item name="promisedUnit" noStyle>
                <Select options={unitOptions} style={{ width: 110 }} aria-label={t('catalogAdmin.promisedUnit')} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.serviceObject')} name="serviceObject" rules={[required]}>
            <Checkbox.Group
              options={[
                { value: 'person', label: t('catalogAdmin.serviceObject.person') },
                { value: 'enterprise', label: t('catalogAdmin.serviceObject.enterprise') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.themes')} name="themes">
            <Select
              mode="tags"
              tokenSeparators={[',', '，', '、']}
              open={false}
              aria-label={t('catalogAdmin.themes')}
            />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item label={t('catalogAdmin.onlineDepth')} name="onlineDepth">
            <Checkbox.Group options={ONLINE_DEPTHS.map((d) => ({ value: d, label: `${d} ${names.onlineDepth(d)}` }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.conditions')} name="conditions">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.legalBasis')} name="legalBasis">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('catalogAdmin.address')} name="address">
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('catalogAdmin.officeHours')} name="officeHours">
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('catalogAdmin.contact')} name="contact">
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.duties')} name="duties" extra={t('catalogAdmin.dutiesHint')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('catalogAdmin.accountability')} name="accountability">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

function VersionsTab({
  taskCode,
  versions,
  onRestore,
}: {
  taskCode: string;
  versions: ItemVersionInfo[];
  onRestore: (v: Version) => void;
}) {
  const { t, lang } = usePrefs();
  const names = useCodeNames();
  const [open, setOpen] = useState<number | null>(null);
  const detail = useQuery({
    queryKey: ['catalog', 'admin', 'version', taskCode, open],
    queryFn: () => api.get<Version>(`/catalog/items/${taskCode}/versions/${open}`),
    enabled: open !== null,
  });
  const date = (v: string) => new Date(v).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN');
  return (
    <>
      <Typography.Paragraph type="secondary">{t('catalogAdmin.versions.intro')}</Typography.Paragraph>
      <Table<ItemVersionInfo>
        rowKey="taskVersion"
        size="small"
        pagination={false}
        dataSource={versions}
        columns={[
          { title: t('catalogAdmin.version'), dataIndex: 'taskVersion' },
          { title: t('catalogAdmin.name'), dataIndex: 'name' },
          { title: t('catalogAdmin.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('catalogAdmin.promisedLimit'),
            key: 'limit',
            render: (_, v) => `${v.promisedLimit} ${names.unit(v.promisedUnit)}`,
          },
          { title: t('catalogAdmin.versions.createdAt'), dataIndex: 'createdAt', render: date },
          { title: t('catalogAdmin.updatedAt'), dataIndex: 'updatedAt', render: date },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, v) => (
              <Button size="small" onClick={() => setOpen(v.taskVersion)}>
                {t('catalogAdmin.versions.view')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        size="large"
        title={t('catalogAdmin.versions.title', { n: open ?? '' })}
        extra={
          detail.data && detail.data.status !== 'cancelled' ? (
            <Button
              onClick={() => {
                onRestore(detail.data);
                setOpen(null);
              }}
            >
              {t('catalogAdmin.versions.restore')}
            </Button>
          ) : null
        }
      >
        {detail.isError ? <Alert type="error" showIcon title={errorText(detail.error, lang)} /> : null}
        {detail.data ? (
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('catalogAdmin.name')}>{detail.data.name}</Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.taskType')}>
              {names.taskType(detail.data.taskType)}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.statutoryLimit')}>
              {detail.data.statutoryLimit} {names.unit(detail.data.statutoryUnit)}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.promisedLimit')}>
              {detail.data.promisedLimit} {names.unit(detail.data.promisedUnit)}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.tab.materials')}>
              {detail.data.materials.map((m) => m.name).join('、') || t('common.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.tab.workflow')}>
              {detail.data.steps.map((s) => `${s.name}（${s.days} ${names.unit(s.unit)}）`).join(' → ') ||
                t('common.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogAdmin.tab.form')}>
              {Object.values((detail.data.formSchema.properties ?? {}) as Record<string, { title?: string }>)
                .map((p) => p.title)
                .join('、') || t('common.none')}
            </Descriptions.Item>
          </Descriptions>
        ) : null}
      </Drawer>
    </>
  );
}

export default function CatalogEditorPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const params = useParams();
  const editingCode = params.taskCode;
  const isNew = !editingCode;
  const [form] = Form.useForm();
  const [tab, setTab] = useState('basic');
  const [schema, setSchema] = useState<FormSchema>(EMPTY_SCHEMA);
  const [schemaError, setSchemaError] = useState<{ field: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);
  const options = useCatalogOptions();

  const versions = useQuery({
    queryKey: ['catalog', 'admin', 'versions', editingCode],
    queryFn: () => api.get<{ items: ItemVersionInfo[] }>(`/catalog/items/${editingCode}/versions`),
    enabled: !isNew,
    retry: false,
  });
  const latest = versions.data?.items[0]?.taskVersion;
  const current = useQuery({
    queryKey: ['catalog', 'admin', 'version', editingCode, latest],
    queryFn: () => api.get<Version>(`/catalog/items/${editingCode}/versions/${latest}`),
    enabled: !isNew && latest !== undefined,
  });

  const load = useCallback(
    (v: Version) => {
      form.resetFields();
      form.setFieldsValue(formValuesOf(v));
      setSchema(v.formSchema ?? EMPTY_SCHEMA);
      setSchemaError(null);
    },
    [form],
  );

  useEffect(() => {
    if (isNew) {
      form.resetFields();
      form.setFieldsValue(blankItem());
      setSchema(EMPTY_SCHEMA);
    }
  }, [isNew, form]);
  useEffect(() => {
    if (current.data && current.data.taskVersion !== loadedVersion) {
      load(current.data);
      setLoadedVersion(current.data.taskVersion);
    }
  }, [current.data, loadedVersion, load]);

  // a new item's task code: the department's credit code + use level + catalog code
  const departmentId = Form.useWatch('departmentId', form);
  const useLevel = Form.useWatch('useLevel', form);
  const catalogCode = Form.useWatch('catalogCode', form);
  const taskCode = useMemo(() => {
    if (!isNew) return editingCode ?? '';
    const dep = options.data?.departments.find((d) => d.id === departmentId);
    return dep && useLevel && catalogCode ? `${dep.creditCode}${useLevel}${String(catalogCode).trim()}` : '';
  }, [isNew, editingCode, options.data, departmentId, useLevel, catalogCode]);

  const cancelled = current.data?.status === 'cancelled';

  const save = async () => {
    try {
      await form.validateFields();
    } catch (e) {
      const first = (e as { errorFields?: { name: (string | number)[] }[] }).errorFields?.[0];
      if (first) setTab(tabOf(first.name.join('.')));
      message.error(t('catalogAdmin.fixErrors'));
      return;
    }
    const body = bodyOf(form.getFieldsValue(true), schema);
    setBusy(true);
    setSchemaError(null);
    try {
      const saved = isNew
        ? await api.post<Guide>('/catalog/items', { ...body, taskCode })
        : await put<Guide>(`/catalog/items/${editingCode}`, body);
      message.success(t('catalogAdmin.published', { n: saved.taskVersion }));
      await qc.invalidateQueries({ queryKey: ['catalog'] });
      if (isNew) navigate(`/admin/catalog/${saved.taskCode}`, { replace: true });
    } catch (e) {
      const msg = errorText(e, lang);
      if (e instanceof ApiError && e.field) {
        setTab(tabOf(e.field));
        if (e.field.startsWith('formSchema')) setSchemaError({ field: e.field, text: msg });
        else form.setFields([{ name: namePath(e.field), errors: [msg] }]);
      }
      message.error(msg);
    } finally {
      setBusy(false);
    }
  };

  if (!isNew && versions.isError)
    return (
      <Result
        status="warning"
        title={errorText(versions.error, lang)}
        extra={<Link to="/admin/catalog">{t('catalogAdmin.back')}</Link>}
      />
    );
  if (!isNew && !current.data) return <Card loading />;

  const tabs = [
    { key: 'basic', label: t('catalogAdmin.tab.basic'), children: <BasicTab isNew={isNew} taskCode={taskCode} /> },
    { key: 'materials', label: t('catalogAdmin.tab.materials'), children: <MaterialsTab schema={schema} /> },
    { key: 'fees', label: t('catalogAdmin.tab.fees'), children: <FeesTab /> },
    {
      key: 'workflow',
      label: t('catalogAdmin.tab.workflow'),
      children: (
        <WorkflowEditor
          form={form}
          roles={options.data?.roles ?? []}
          departments={options.data?.departments ?? []}
          visible={tab === 'workflow'}
        />
      ),
    },
    { key: 'results', label: t('catalogAdmin.tab.results'), children: <ResultsTab /> },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/admin/catalog">{t('catalogAdmin.back')}</Link>
      <PageTitle>
        {isNew ? t('catalogAdmin.createTitle') : t('catalogAdmin.editTitle', { name: current.data?.name ?? '' })}
      </PageTitle>
      {!isNew && current.data ? (
        <Space wrap>
          <StatusTag status={current.data.status} />
          <span>{t('catalogAdmin.currentVersion', { n: current.data.taskVersion })}</span>
          {current.data.status === 'published' ? (
            <Link to={`/services/${editingCode}`}>{t('catalogAdmin.viewGuide')}</Link>
          ) : null}
        </Space>
      ) : null}
      {cancelled ? <Alert type="warning" showIcon title={t('catalogAdmin.cancelledNotice')} /> : null}
      <Form name="catalogItem" form={form} layout="vertical" disabled={cancelled} scrollToFirstError>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            // every pane is rendered, so every field is registered and validated
            ...tabs.map((x) => ({ ...x, forceRender: true })),
            {
              key: 'form',
              label: t('catalogAdmin.tab.form'),
              forceRender: true,
              children: <FormDesigner value={schema} onChange={setSchema} serverError={schemaError} />,
            },
            ...(!isNew && versions.data
              ? [
                  {
                    key: 'versions',
                    label: t('catalogAdmin.tab.versions'),
                    children: (
                      <VersionsTab
                        taskCode={editingCode ?? ''}
                        versions={versions.data.items}
                        onRestore={(v) => {
                          load(v);
                          setTab('basic');
                          message.info(t('catalogAdmin.versions.restored', { n: v.taskVersion }));
                        }}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Form>
      <Space>
        <Button type="primary" onClick={() => void save()} loading={busy} disabled={cancelled || (isNew && !taskCode)}>
          {isNew ? t('catalogAdmin.createPublish') : t('catalogAdmin.publishVersion')}
        </Button>
        <Button onClick={() => navigate('/admin/catalog')}>{t('common.cancel')}</Button>
      </Space>
    </Space>
  );
}
