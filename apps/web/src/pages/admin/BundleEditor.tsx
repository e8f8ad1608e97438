/**
 * /admin/bundles/new and /admin/bundles/:code — the editor of a bundle (一件事) definition: basic
 * information, scenario questions, member items with conditions and prerequisites, the one form
 * with its mappings to the members' forms, and the one set of materials with what each stands for.
 * Saving creates a draft (new) or replaces the definition (its status stays); the server checks it
 * against the catalog and names the field at fault.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  type FormListFieldData,
  Input,
  InputNumber,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import type { BundleMaterial } from '../bundles/model.ts';
import { type BundleDefinition, BundleStatusTag, definitionsKey, StatusButton } from './Bundles.tsx';
import { type Guide, namePath, put, useCatalogOptions } from './CatalogShared.tsx';
import { type Option, type Page, PageTitle, ServerSearchSelect } from './common.tsx';

type Values = Omit<BundleDefinition, 'status' | 'updatedAt' | 'cases' | 'members' | 'form'> & {
  members: { taskCode?: string; condition?: { scenario?: string | null; equals?: boolean }; dependsOn?: string[] }[];
  form: (Omit<BundleDefinition['form'][number], 'format'> & { format?: string })[];
};

/** Every select is searchable: options are found by typing, with the keyboard alone. */
const SEARCH = { optionFilterProp: 'label' } as const;
const FORMATS = ['none', 'date', 'email'] as const;
const FULFILMENTS: BundleMaterial['fulfilment'][] = ['UPLOAD', 'COMMITMENT', 'RESULT'];

/** The form's values for a stored definition. */
function valuesOf(d: BundleDefinition): Values {
  return {
    ...d,
    description: d.description ?? '',
    members: d.members.map((m) => ({
      taskCode: m.taskCode,
      condition: { scenario: m.condition?.scenario ?? null, equals: m.condition?.equals ?? true },
      dependsOn: m.dependsOn ?? [],
    })),
    form: d.form.map((f) => ({ ...f, format: f.format ?? 'none' })),
  };
}

/** The PUT body for the form's values (docs/cases-api.md "Bundles", administration). */
function bodyOf(v: Values) {
  const s = (x: unknown) => (typeof x === 'string' ? x.trim() : '');
  return {
    name: s(v.name),
    nameEn: s(v.nameEn),
    description: s(v.description) || null,
    theme: s(v.theme),
    leadDepartmentId: v.leadDepartmentId ?? '',
    applicantTypes: v.applicantTypes ?? [],
    scenarios: (v.scenarios ?? []).map((x) => ({ id: s(x.id), question: s(x.question), questionEn: s(x.questionEn) })),
    members: (v.members ?? []).map((m) => ({
      taskCode: m.taskCode ?? '',
      condition: m.condition?.scenario
        ? { scenario: m.condition.scenario, equals: m.condition.equals !== false }
        : null,
      dependsOn: m.dependsOn ?? [],
    })),
    form: (v.form ?? []).map((f) => ({
      id: s(f.id),
      title: s(f.title),
      titleEn: s(f.titleEn),
      type: 'string' as const,
      ...(f.format && f.format !== 'none' ? { format: f.format } : {}),
      required: !!f.required,
      mapsTo: (f.mapsTo ?? []).map((x) => ({ taskCode: x.taskCode ?? '', field: x.field ?? '' })),
    })),
    materials: (v.materials ?? []).map((m) => ({
      code: s(m.code),
      name: s(m.name),
      fulfilment: m.fulfilment,
      producedBy: m.fulfilment === 'RESULT' ? (m.producedBy ?? null) : null,
      satisfies: (m.satisfies ?? []).map((x) => ({ taskCode: x.taskCode ?? '', material: x.material ?? '' })),
    })),
    jointDeadlineDays: v.jointDeadlineDays,
  };
}

/** A server field to the form's name path: a condition's error is shown on its scenario select. */
function fieldName(field: string): (string | number)[] {
  const path = namePath(field);
  if (path[0] === 'members' && path[2] === 'condition') return ['members', path[1] as number, 'condition', 'scenario'];
  return path;
}

interface ItemSelectProps {
  id?: string;
  value?: string;
  onChange?: (v: string) => void;
  /** Guides already loaded, for the chosen item's name. */
  names: Map<string, Guide>;
}

/** A published item, searched on the server as one types (name, pinyin, initials or code). */
function ItemSelect({ names, ...field }: ItemSelectProps) {
  const chosen = field.value ? names.get(field.value) : undefined;
  return (
    <ServerSearchSelect
      {...field}
      queryKey={['catalog', 'items', 'search']}
      search={async (q) =>
        (
          await api.get<Page<{ taskCode: string; name: string; departmentName: string }>>('/catalog/items', {
            q: q || undefined,
            pageSize: 20,
          })
        ).items.map((i) => ({ value: i.taskCode, label: `${i.name}（${i.departmentName}）` }))
      }
      valueLabel={chosen ? `${chosen.name}（${chosen.departmentName}）` : undefined}
    />
  );
}

type Options = Option[];

/**
 * A nested list of (member, something of that member) pairs: a form field's mappings to the
 * members' fields, or a material's correspondences to the members' materials.
 */
function PairList(props: {
  name: (string | number)[];
  legend: string;
  addLabel: string;
  memberOptions: Options;
  second: { key: string; label: string };
  /** The options of row i's second select (they depend on the member chosen in that row). */
  secondOptions: (i: number) => Options;
}) {
  const { t } = usePrefs();
  const required = [{ required: true, message: t('form.required') }];
  return (
    <Form.List name={props.name}>
      {(rows, ops, { errors }) => (
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{props.legend}</legend>
          {rows.map((r) => (
            <Row gutter={12} key={r.key} wrap={false} align="top">
              <Col flex="1 1 0">
                <Form.Item label={t('bundlesAdmin.targetItem')} name={[r.name, 'taskCode']} rules={required}>
                  <Select showSearch={SEARCH} options={props.memberOptions} />
                </Form.Item>
              </Col>
              <Col flex="1 1 0">
                <Form.Item label={props.second.label} name={[r.name, props.second.key]} rules={required}>
                  <Select showSearch={SEARCH} options={props.secondOptions(r.name)} />
                </Form.Item>
              </Col>
              <Col flex="none" style={{ paddingTop: 30 }}>
                <Button
                  icon={<DeleteOutlined />}
                  onClick={() => ops.remove(r.name)}
                  aria-label={t('bundlesAdmin.remove', {
                    what: `${props.legend} ${t('bundlesAdmin.row', { n: r.name + 1 })}`,
                  })}
                />
              </Col>
            </Row>
          ))}
          <Form.ErrorList errors={errors} />
          <Button size="small" icon={<PlusOutlined />} onClick={() => ops.add({})}>
            {props.addLabel}
          </Button>
        </fieldset>
      )}
    </Form.List>
  );
}

/** One row of a Form.List, framed, with its remove button named for screen readers. */
function ListRow({ children, onRemove, what }: { children: ReactNode; onRemove: () => void; what: string }) {
  const { t } = usePrefs();
  return (
    <div
      className="yw-list-row"
      style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: '12px 12px 0', marginBottom: 12 }}
    >
      <Row gutter={12} align="top" wrap={false}>
        <Col flex="auto">{children}</Col>
        <Col flex="none">
          <Button
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={t('bundlesAdmin.remove', { what })}
            title={t('bundlesAdmin.remove', { what })}
          />
        </Col>
      </Row>
    </div>
  );
}

export default function BundleEditorPage() {
  const { code: routeCode } = useParams();
  const isNew = !routeCode;
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const options = useCatalogOptions();

  const def = useQuery({
    queryKey: [...definitionsKey, routeCode],
    queryFn: () => api.get<BundleDefinition>(`/bundles/admin/definitions/${encodeURIComponent(routeCode ?? '')}`),
    enabled: !isNew,
  });
  useEffect(() => {
    if (isNew) {
      form.resetFields();
      form.setFieldsValue({
        applicantTypes: ['person'],
        jointDeadlineDays: 10,
        scenarios: [],
        members: [],
        form: [],
        materials: [],
      });
    } else if (def.data) form.setFieldsValue(valuesOf(def.data));
  }, [isNew, def.data, form]);

  // The guides of the chosen members: their form fields and materials feed the mapping selects.
  const members = Form.useWatch('members', form) ?? [];
  const scenarios = Form.useWatch('scenarios', form) ?? [];
  const formFields = Form.useWatch('form', form) ?? [];
  const materials = Form.useWatch('materials', form) ?? [];

  // The catalog may have changed under a saved bundle (a member cancelled): mark the fields at fault,
  // once per loaded definition and language, when its list rows are mounted (errors set on a field
  // not yet rendered are lost).
  const marked = useRef('');
  useEffect(() => {
    const d = def.data;
    const key = `${def.dataUpdatedAt}:${lang}`;
    if (!d || marked.current === key || members.length !== d.members.length) return;
    marked.current = key;
    form.setFields(
      d.problems.map((p) => ({
        name: fieldName(p.field) as never,
        errors: [lang === 'en' ? p.messageEn : p.messageZh],
      })),
    );
  }, [def.data, def.dataUpdatedAt, form, lang, members.length]);

  const memberCodes = [...new Set(members.map((m) => m?.taskCode).filter((c): c is string => !!c))];
  const guides = useQueries({
    queries: memberCodes.map((c) => ({
      queryKey: ['catalog', 'item', c],
      queryFn: () => api.get<Guide>(`/catalog/items/${c}`),
      staleTime: 60_000,
    })),
  });
  const guideOf = useMemo(() => {
    const m = new Map<string, Guide>();
    for (const g of guides) if (g.data) m.set(g.data.taskCode, g.data);
    return m;
  }, [guides]);
  const itemName = (c: string) => guideOf.get(c)?.name ?? c;
  const memberOptions = memberCodes.map((c) => ({ value: c, label: itemName(c) }));
  const fieldOptions = (c?: string) =>
    Object.entries(
      ((guideOf.get(c ?? '')?.formSchema as { properties?: Record<string, { title?: string }> })?.properties ??
        {}) as Record<string, { title?: string }>,
    ).map(([k, p]) => ({ value: k, label: p.title ? `${p.title}（${k}）` : k }));
  const materialOptions = (c?: string) =>
    (guideOf.get(c ?? '')?.materials ?? []).map((m) => ({ value: m.name, label: m.name }));

  const save = async () => {
    setError(null);
    const v = form.getFieldsValue(true) as Values;
    const code = isNew ? String(v.code ?? '').trim() : (routeCode as string);
    setBusy(true);
    try {
      // A new bundle must not replace an existing one of the same code.
      const saved = await put<BundleDefinition>(
        `/bundles/admin/definitions/${encodeURIComponent(code)}${isNew ? '?create=true' : ''}`,
        bodyOf(v),
      );
      message.success(t(saved.status === 'published' ? 'bundlesAdmin.saved' : 'bundlesAdmin.savedDraft'));
      qc.setQueryData([...definitionsKey, saved.code], saved);
      await qc.invalidateQueries({ queryKey: ['bundles'] });
      if (isNew) navigate(`/admin/bundles/${encodeURIComponent(saved.code)}`, { replace: true });
    } catch (e) {
      const text = errorText(e, lang);
      if (e instanceof ApiError && e.field) form.setFields([{ name: fieldName(e.field) as never, errors: [text] }]);
      setError(text);
      message.error(text);
    } finally {
      setBusy(false);
    }
  };

  if (!isNew && def.isError)
    return def.error instanceof ApiError && def.error.status === 404 ? (
      <Result
        status="404"
        title={t('bundlesAdmin.notFound')}
        extra={<Link to="/admin/bundles">{t('bundlesAdmin.back')}</Link>}
      />
    ) : (
      <Alert type="error" showIcon title={errorText(def.error, lang)} />
    );

  const required = { required: true, whitespace: true, message: t('form.required') };
  const d = def.data;
  const rowLabel = (what: MessageKey, i: number, name?: string) =>
    `${t(what)} ${name?.trim() ? name : t('bundlesAdmin.row', { n: i + 1 })}`;

  return (
    <>
      <Link to="/admin/bundles">{t('bundlesAdmin.back')}</Link>
      <PageTitle>
        {isNew ? t('bundlesAdmin.newTitle') : t('bundlesAdmin.editTitle', { name: d?.name ?? routeCode ?? '' })}
      </PageTitle>
      {d && (
        <Space style={{ marginBottom: 16 }} wrap>
          <BundleStatusTag status={d.status} />
          <StatusButton def={d} onDone={(x) => qc.setQueryData([...definitionsKey, x.code], x)} />
          {d.cases > 0 && (
            <Typography.Text type="secondary">{t('bundlesAdmin.casesNote', { n: d.cases })}</Typography.Text>
          )}
        </Space>
      )}
      {d && d.problems.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t(d.status === 'published' ? 'bundlesAdmin.problemsPublished' : 'bundlesAdmin.problemsDraft')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {d.problems.map((p) => (
                <li key={`${p.field}:${p.messageEn}`}>{lang === 'en' ? p.messageEn : p.messageZh}</li>
              ))}
            </ul>
          }
        />
      )}
      <Form
        form={form}
        name="bundle"
        layout="vertical"
        onFinish={save}
        onFinishFailed={() => message.error(t('bundlesAdmin.fixErrors'))}
        disabled={!isNew && def.isPending}
      >
        <Card title={t('bundlesAdmin.section.basic')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item
                label={t('bundlesAdmin.code')}
                name="code"
                extra={t('bundlesAdmin.codeHint')}
                rules={[required, { pattern: /^[A-Za-z0-9_-]{1,64}$/, message: t('bundlesAdmin.codeHint') }]}
              >
                <Input disabled={!isNew} maxLength={64} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item label={t('bundlesAdmin.name')} name="name" rules={[required]}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item label={t('bundlesAdmin.nameEn')} name="nameEn" rules={[required]}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                label={t('bundlesAdmin.theme')}
                name="theme"
                extra={t('bundlesAdmin.themeHint')}
                rules={[required]}
              >
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                label={t('bundlesAdmin.lead')}
                name="leadDepartmentId"
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Select
                  showSearch={SEARCH}
                  loading={options.isPending}
                  options={(options.data?.departments ?? []).map((x) => ({ value: x.id, label: x.name }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                label={t('bundlesAdmin.jointDeadline')}
                name="jointDeadlineDays"
                rules={[{ required: true, message: t('form.required') }]}
              >
                <InputNumber min={1} max={365} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                label={t('bundlesAdmin.applicantTypes')}
                name="applicantTypes"
                rules={[{ required: true, type: 'array', min: 1, message: t('form.required') }]}
              >
                <Checkbox.Group
                  options={(['person', 'enterprise'] as const).map((x) => ({
                    value: x,
                    label: t(`bundlesAdmin.applicant.${x}`),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item label={t('bundlesAdmin.description')} name="description">
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('bundlesAdmin.section.scenarios')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('bundlesAdmin.scenariosHint')}</Typography.Paragraph>
          <Form.List name="scenarios">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f: FormListFieldData) => (
                  <ListRow
                    key={f.key}
                    onRemove={() => remove(f.name)}
                    what={rowLabel('bundlesAdmin.section.scenarios', f.name, scenarios[f.name]?.question)}
                  >
                    <Row gutter={12}>
                      <Col xs={24} md={6}>
                        <Form.Item label={t('bundlesAdmin.scenarioId')} name={[f.name, 'id']} rules={[required]}>
                          <Input maxLength={64} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={9}>
                        <Form.Item label={t('bundlesAdmin.question')} name={[f.name, 'question']} rules={[required]}>
                          <Input maxLength={200} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={9}>
                        <Form.Item
                          label={t('bundlesAdmin.questionEn')}
                          name={[f.name, 'questionEn']}
                          rules={[required]}
                        >
                          <Input maxLength={400} />
                        </Form.Item>
                      </Col>
                    </Row>
                  </ListRow>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ id: '', question: '', questionEn: '' })}>
                  {t('bundlesAdmin.addScenario')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t('bundlesAdmin.section.members')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('bundlesAdmin.membersHint')}</Typography.Paragraph>
          <Form.List name="members">
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((f) => {
                  const own = members[f.name]?.taskCode;
                  return (
                    <ListRow
                      key={f.key}
                      onRemove={() => remove(f.name)}
                      what={rowLabel('bundlesAdmin.member', f.name, own ? itemName(own) : undefined)}
                    >
                      <Row gutter={12}>
                        <Col xs={24} md={9}>
                          <Form.Item
                            label={t('bundlesAdmin.member')}
                            name={[f.name, 'taskCode']}
                            rules={[{ required: true, message: t('form.required') }]}
                          >
                            <ItemSelect names={guideOf} />
                          </Form.Item>
                        </Col>
                        <Col xs={12} md={5}>
                          <Form.Item
                            label={t('bundlesAdmin.conditionScenario')}
                            name={[f.name, 'condition', 'scenario']}
                          >
                            <Select
                              showSearch={SEARCH}
                              allowClear
                              placeholder={t('bundlesAdmin.always')}
                              options={scenarios
                                .filter((s) => s?.id)
                                .map((s) => ({ value: s.id, label: s.question || s.id }))}
                            />
                          </Form.Item>
                        </Col>
                        <Col xs={12} md={3}>
                          <Form.Item
                            label={t('bundlesAdmin.conditionEquals')}
                            name={[f.name, 'condition', 'equals']}
                            initialValue={true}
                          >
                            <Select
                              showSearch={SEARCH}
                              disabled={!members[f.name]?.condition?.scenario}
                              options={[
                                { value: true, label: t('common.yes') },
                                { value: false, label: t('common.no') },
                              ]}
                            />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={7}>
                          <Form.Item label={t('bundlesAdmin.dependsOn')} name={[f.name, 'dependsOn']}>
                            <Select
                              showSearch={SEARCH}
                              mode="multiple"
                              options={memberOptions.filter((o) => o.value !== own)}
                            />
                          </Form.Item>
                        </Col>
                      </Row>
                    </ListRow>
                  );
                })}
                <Form.ErrorList errors={errors} />
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ condition: { scenario: null, equals: true }, dependsOn: [] })}
                >
                  {t('bundlesAdmin.addMember')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t('bundlesAdmin.section.form')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('bundlesAdmin.formHint')}</Typography.Paragraph>
          <Form.List name="form">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <ListRow
                    key={f.key}
                    onRemove={() => remove(f.name)}
                    what={rowLabel('bundlesAdmin.fieldTitle', f.name, formFields[f.name]?.title)}
                  >
                    <Row gutter={12}>
                      <Col xs={24} md={5}>
                        <Form.Item label={t('bundlesAdmin.fieldId')} name={[f.name, 'id']} rules={[required]}>
                          <Input maxLength={64} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={6}>
                        <Form.Item label={t('bundlesAdmin.fieldTitle')} name={[f.name, 'title']} rules={[required]}>
                          <Input maxLength={100} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={6}>
                        <Form.Item label={t('bundlesAdmin.fieldTitleEn')} name={[f.name, 'titleEn']} rules={[required]}>
                          <Input maxLength={200} />
                        </Form.Item>
                      </Col>
                      <Col xs={12} md={4}>
                        <Form.Item label={t('bundlesAdmin.fieldFormat')} name={[f.name, 'format']}>
                          <Select
                            showSearch={SEARCH}
                            options={FORMATS.map((x) => ({
                              value: x,
                              label: t(`bundlesAdmin.format.${x}` as MessageKey),
                            }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col xs={12} md={3}>
                        <Form.Item
                          label={t('bundlesAdmin.required')}
                          name={[f.name, 'required']}
                          valuePropName="checked"
                        >
                          <Switch />
                        </Form.Item>
                      </Col>
                    </Row>
                    <PairList
                      name={[f.name, 'mapsTo']}
                      legend={t('bundlesAdmin.mapsTo')}
                      addLabel={t('bundlesAdmin.addMapping')}
                      memberOptions={memberOptions}
                      second={{ key: 'field', label: t('bundlesAdmin.targetField') }}
                      secondOptions={(i) => fieldOptions(formFields[f.name]?.mapsTo?.[i]?.taskCode)}
                    />
                  </ListRow>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ id: '', title: '', titleEn: '', format: 'none', required: true, mapsTo: [] })}
                >
                  {t('bundlesAdmin.addField')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t('bundlesAdmin.section.materials')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('bundlesAdmin.materialsHint')}</Typography.Paragraph>
          <Form.List name="materials">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => {
                  const fulfilment = materials[f.name]?.fulfilment;
                  return (
                    <ListRow
                      key={f.key}
                      onRemove={() => remove(f.name)}
                      what={rowLabel('bundlesAdmin.materialName', f.name, materials[f.name]?.name)}
                    >
                      <Row gutter={12}>
                        <Col xs={24} md={5}>
                          <Form.Item label={t('bundlesAdmin.materialCode')} name={[f.name, 'code']} rules={[required]}>
                            <Input maxLength={64} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={7}>
                          <Form.Item label={t('bundlesAdmin.materialName')} name={[f.name, 'name']} rules={[required]}>
                            <Input maxLength={100} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={6}>
                          <Form.Item
                            label={t('bundlesAdmin.fulfilment')}
                            name={[f.name, 'fulfilment']}
                            rules={[{ required: true, message: t('form.required') }]}
                          >
                            <Select
                              showSearch={SEARCH}
                              options={FULFILMENTS.map((x) => ({
                                value: x,
                                label: t(`bundlesAdmin.fulfilment.${x}` as MessageKey),
                              }))}
                            />
                          </Form.Item>
                        </Col>
                        {fulfilment === 'RESULT' && (
                          <Col xs={24} md={6}>
                            <Form.Item
                              label={t('bundlesAdmin.producedBy')}
                              name={[f.name, 'producedBy']}
                              rules={[{ required: true, message: t('form.required') }]}
                            >
                              <Select showSearch={SEARCH} options={memberOptions} />
                            </Form.Item>
                          </Col>
                        )}
                      </Row>
                      <PairList
                        name={[f.name, 'satisfies']}
                        legend={t('bundlesAdmin.satisfies')}
                        addLabel={t('bundlesAdmin.addSatisfies')}
                        memberOptions={memberOptions}
                        second={{ key: 'material', label: t('bundlesAdmin.targetMaterial') }}
                        secondOptions={(i) => materialOptions(materials[f.name]?.satisfies?.[i]?.taskCode)}
                      />
                    </ListRow>
                  );
                })}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ code: '', name: '', fulfilment: 'UPLOAD', producedBy: null, satisfies: [] })}
                >
                  {t('bundlesAdmin.addMaterial')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('bundlesAdmin.save')}
        </Button>
      </Form>
    </>
  );
}
