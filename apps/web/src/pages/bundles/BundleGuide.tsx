import Form from '@rjsf/antd';
import type CoreForm from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Radio, Result, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { type Account, type Profile, useMe, useProfile } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { SecretBlock } from '../apply/Apply.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import type { Guide } from '../apply/model.ts';
import { BundleMaterials } from './BundleMaterials.tsx';
import {
  applyingMembers,
  asGuideMaterial,
  type BundleCaseView,
  type BundleGuide,
  type BundleMaterialValue,
  type BundleMember,
  bundleMaterialsInput,
  bundleName,
  itemNameOf,
  limitText,
  type MemberGuides,
  memberApplies,
  usedFor,
  visibleFields,
  visibleMaterials,
} from './model.ts';
import './bundles.css';

type FormData = Record<string, unknown>;

interface Submitted {
  view: BundleCaseView;
  password: string;
  items: string[];
}

/** /bundles/:code — the guide of a bundle and, for signed-in applicants it is offered to, the one application. */
export default function BundleGuidePage() {
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  const { code = '' } = useParams();
  const me = useMe();
  const guide = useQuery({
    queryKey: ['bundles', 'one', code],
    queryFn: () => api.get<BundleGuide>(`/bundles/${encodeURIComponent(code)}`),
    retry: false,
  });
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState<Submitted | null>(null);

  if (submitted && guide.data) return <BundleSubmitted guide={guide.data} {...submitted} />;
  if (guide.isLoading) return <Card loading />;
  if (guide.error || !guide.data)
    return (
      <Alert
        type="error"
        showIcon
        message={guide.error ? errorText(guide.error, lang) : t('common.loadFailed')}
        action={<Link to="/bundles">{t('bundles.back')}</Link>}
      />
    );
  const g = guide.data;
  const account = me.data?.account;
  const canApply =
    g.available && !!account && account.type !== 'staff' && (g.applicantTypes as string[]).includes(account.type);
  const sep = lang === 'en' ? ', ' : '、';
  const deptCount = new Set(g.members.map((m) => m.departmentName)).size;

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-apply yw-bundles">
        <Link to="/bundles">{t('bundles.back')}</Link>
        <Typography.Title level={1} className="yw-page-title">
          {bundleName(g, lang)}
        </Typography.Title>
        {g.description ? <Typography.Paragraph>{g.description}</Typography.Paragraph> : null}
        <Descriptions bordered column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('bundles.theme')}>{g.theme}</Descriptions.Item>
          <Descriptions.Item label={t('bundles.lead')}>{g.leadDepartmentName ?? t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('bundles.jointDeadlineLabel')}>
            {t('bundles.jointDeadlineValue', { n: g.jointDeadlineDays })}
          </Descriptions.Item>
          <Descriptions.Item label={t('bundles.applicants')}>
            {g.applicantTypes
              .map((x) => t(x === 'person' ? 'bundles.applicant.person' : 'bundles.applicant.enterprise'))
              .join(sep)}
          </Descriptions.Item>
          <Descriptions.Item label={t('bundles.scope')} span={2}>
            {t('bundles.scopeValue', { n: g.members.length, d: deptCount })}
          </Descriptions.Item>
        </Descriptions>
        <Card title={<h2 className="yw-card-title">{t('bundles.membersTitle')}</h2>}>
          <MembersTable guide={g} answers={canApply ? answers : null} />
        </Card>
        {canApply && account ? (
          <BundleApplication
            guide={g}
            account={account}
            answers={answers}
            setAnswers={setAnswers}
            onSubmitted={setSubmitted}
          />
        ) : (
          <>
            <Card title={<h2 className="yw-card-title">{t('bundles.materialsTitle')}</h2>}>
              <MaterialsTable guide={g} />
            </Card>
            {!g.available ? (
              <Alert type="warning" showIcon message={t('bundles.unavailable')} />
            ) : me.isPending ? null : !account ? (
              <Button
                type="primary"
                size="large"
                onClick={() => navigate(`/login?returnTo=${encodeURIComponent(`/bundles/${code}`)}`)}
              >
                {t('apply.loginToApply')}
              </Button>
            ) : (
              <Alert
                type="info"
                showIcon
                message={account.type === 'staff' ? t('apply.staffCannotApply') : t('bundles.notForType')}
              />
            )}
          </>
        )}
      </Space>
    </ElderFriendly>
  );
}

/** The members: item, department, promised limit, condition (如适用) and prerequisites; applicability for the answers. */
function MembersTable({ guide, answers }: { guide: BundleGuide; answers: Record<string, boolean> | null }) {
  const { t, lang } = usePrefs();
  const questionOf = (id: string) => {
    const s = guide.scenarios.find((x) => x.id === id);
    return s ? (lang === 'en' ? s.questionEn : s.question) : id;
  };
  const sep = lang === 'en' ? ', ' : '、';
  return (
    <Table<BundleMember>
      rowKey="taskCode"
      pagination={false}
      dataSource={guide.members}
      scroll={{ x: true }}
      columns={[
        {
          title: t('bundles.member.item'),
          dataIndex: 'itemName',
          render: (v: string, m) => <Link to={`/services/${encodeURIComponent(m.taskCode)}`}>{v}</Link>,
        },
        { title: t('bundles.member.department'), dataIndex: 'departmentName' },
        {
          title: t('bundles.member.promised'),
          key: 'limit',
          render: (_: unknown, m) => limitText(t, m.promisedLimit, m.promisedUnit),
        },
        {
          title: t('bundles.member.notes'),
          key: 'notes',
          render: (_: unknown, m) => (
            <Space direction="vertical" size={4}>
              {m.condition ? (
                <span>
                  <Tag color="gold">{t('bundles.member.ifApplicable')}</Tag>
                  {t('bundles.member.condition', {
                    question: questionOf(m.condition.scenario),
                    answer: t(m.condition.equals ? 'common.yes' : 'common.no'),
                  })}
                </span>
              ) : null}
              {m.dependsOn?.length ? (
                <span>
                  {t('bundles.member.after', {
                    items: m.dependsOn.map((d) => itemNameOf(guide, d)).join(sep),
                  })}
                </span>
              ) : (
                <span>{t('bundles.member.atOnce')}</span>
              )}
            </Space>
          ),
        },
        ...(answers
          ? [
              {
                title: t('bundles.member.thisTime'),
                key: 'applies',
                render: (_: unknown, m: BundleMember) => {
                  const a = memberApplies(m, answers);
                  return a === null ? (
                    <Tag>{t('bundles.member.pending')}</Tag>
                  ) : a ? (
                    <Tag color="green">{t('bundles.member.applies')}</Tag>
                  ) : (
                    <Tag>{t('bundles.member.notApplies')}</Tag>
                  );
                },
              },
            ]
          : []),
      ]}
    />
  );
}

/** The one set of materials as a table (for visitors who do not apply). */
function MaterialsTable({ guide }: { guide: BundleGuide }) {
  const { t, lang } = usePrefs();
  const sep = lang === 'en' ? ', ' : '、';
  return (
    <Table
      rowKey="code"
      pagination={false}
      dataSource={guide.materials}
      scroll={{ x: true }}
      columns={[
        { title: t('services.materialName'), dataIndex: 'name' },
        {
          title: t('services.fulfilment'),
          key: 'how',
          render: (_: unknown, m: BundleGuide['materials'][number]) =>
            m.fulfilment === 'RESULT'
              ? t('bundles.material.producedBy', { item: itemNameOf(guide, m.producedBy ?? '') })
              : t(m.fulfilment === 'COMMITMENT' ? 'services.fulfilment.COMMITMENT' : 'services.fulfilment.UPLOAD'),
        },
        {
          title: t('bundles.material.usedForCol'),
          key: 'items',
          render: (_: unknown, m: BundleGuide['materials'][number]) => usedFor(guide, m).join(sep),
        },
      ]}
    />
  );
}

/**
 * The applicant's own name, ID number and phone (the account's values in clear, from `useProfile`)
 * for the bundle form's fields of those names. A masked value is never pre-filled.
 */
function prefill(guide: BundleGuide, profile: Profile | undefined): FormData {
  const out: FormData = {};
  if (profile?.type !== 'person') return out;
  const rules: [RegExp, string | null][] = [
    [/^(operatorName|applicantName|name)$/, profile.name],
    [/^(idNumber|operatorIdNumber|applicantIdNumber)$/, profile.idNumber],
    [/^(phone|contactPhone|mobile|applicantPhone)$/, profile.phone],
  ];
  for (const f of guide.form)
    for (const [re, value] of rules)
      if (value && re.test(f.id)) {
        out[f.id] = value;
        break;
      }
  return out;
}

function BundleApplication({
  guide: g,
  account,
  answers,
  setAnswers,
  onSubmitted,
}: {
  guide: BundleGuide;
  account: Account;
  answers: Record<string, boolean>;
  setAnswers: (fn: (a: Record<string, boolean>) => Record<string, boolean>) => void;
  onSubmitted: (s: Submitted) => void;
}) {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const formRef = useRef<CoreForm>(null);
  const profile = useProfile(account.type === 'person');
  const [formData, setFormData] = useState<FormData>({});
  // The account's own values fill the fields the applicant has not typed into yet.
  useEffect(() => {
    if (!profile.data) return;
    const pre = prefill(g, profile.data);
    setFormData((d) => ({
      ...pre,
      ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== '')),
    }));
  }, [profile.data, g]);
  const [values, setValues] = useState<Record<string, BundleMaterialValue>>({});
  const [answerErrors, setAnswerErrors] = useState<Record<string, string>>({});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [matErrors, setMatErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  // The member items' own guides: which of their materials are required, and their upload rules.
  const memberQueries = useQueries({
    queries: g.members.map((m) => ({
      queryKey: ['catalog', 'item', m.taskCode],
      queryFn: () => api.get<Guide>(`/catalog/items/${encodeURIComponent(m.taskCode)}`),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const memberGuides: MemberGuides = new Map();
  for (const q of memberQueries) if (q.data) memberGuides.set(q.data.taskCode, q.data);

  const applying = applyingMembers(g, answers);
  const fields = visibleFields(g, applying);
  const fieldKey = fields.map((f) => f.id).join(',');
  const materials = visibleMaterials(g, applying);

  // The schema and the field order follow the visible fields (by their ids, a stable key).
  const { schema, uiSchema } = useMemo(() => {
    const ids = fieldKey.split(',');
    const shown = g.form.filter((f) => ids.includes(f.id));
    const props = (g.formSchema.properties ?? {}) as Record<string, RJSFSchema>;
    const schema: RJSFSchema = {
      type: 'object',
      required: shown.filter((f) => f.required).map((f) => f.id),
      properties: Object.fromEntries(
        shown.map((f) => [
          f.id,
          {
            ...(props[f.id] ?? ({ type: 'string' } as RJSFSchema)),
            title: lang === 'en' && f.titleEn ? f.titleEn : f.title,
          },
        ]),
      ),
    };
    const uiSchema: UiSchema = {
      'ui:order': [...shown.map((f) => f.id), '*'],
      'ui:submitButtonOptions': { norender: true },
    };
    return { schema, uiSchema };
  }, [g, fieldKey, lang]);

  const titleOf = (prop: string) =>
    String((schema.properties as Record<string, { title?: string }> | undefined)?.[prop]?.title ?? prop);
  const transformErrors = (errs: RJSFValidationError[]) =>
    errs.map((e) => {
      const prop =
        e.name === 'required' ? String(e.params?.missingProperty ?? '') : String(e.property ?? '').replace(/^\./, '');
      return {
        ...e,
        message: t(e.name === 'required' ? 'apply.fieldRequired' : 'apply.fieldInvalid', { title: titleOf(prop) }),
      };
    });

  const question = (id: string) => {
    const s = g.scenarios.find((x) => x.id === id);
    return s ? (lang === 'en' ? s.questionEn : s.question) : id;
  };

  /** Puts a server error where it belongs: on a scenario, a form field, a material, or in a message. */
  const showError = (e: unknown) => {
    if (e instanceof ApiError && e.field?.startsWith('answers.')) {
      const id = e.field.slice('answers.'.length);
      setAnswerErrors((a) => ({ ...a, [id]: e.text(lang) }));
    } else if (e instanceof ApiError && e.field?.startsWith('formData.')) {
      const prop = e.field.slice('formData.'.length);
      setExtraErrors({ [prop]: { __errors: [e.text(lang)] } } as ErrorSchema);
    } else if (e instanceof ApiError && e.field?.startsWith('materials.')) {
      const name = e.field.slice('materials.'.length);
      setMatErrors((m) => ({ ...m, [name]: e.text(lang) }));
    } else {
      message.error(errorText(e, lang));
      return;
    }
    message.error(t('apply.fixErrors'));
  };

  const currentFormData = (): FormData => {
    const all = (formRef.current?.state.formData as FormData | undefined) ?? formData;
    const out: FormData = {};
    for (const f of fields) if (all[f.id] !== undefined && all[f.id] !== '') out[f.id] = all[f.id];
    return out;
  };

  const itemsApplied = g.members.filter((m) => applying.has(m.taskCode)).map((m) => m.itemName);

  const doSubmit = async () => {
    setBusy(true);
    try {
      const r = await api.post<{ bundleCase: BundleCaseView; queryPassword: string }>(
        `/bundles/${encodeURIComponent(g.code)}/apply`,
        { answers, formData: currentFormData(), materials: bundleMaterialsInput(materials, values) },
      );
      onSubmitted({ view: r.bundleCase, password: r.queryPassword, items: itemsApplied });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = () => {
    const aErrs: Record<string, string> = {};
    for (const s of g.scenarios)
      if (typeof answers[s.id] !== 'boolean')
        aErrs[s.id] = t('bundles.scenario.required', { question: question(s.id) });
    setAnswerErrors(aErrs);
    const formOk = formRef.current ? formRef.current.validateForm() : true;
    const mErrs: Record<string, string> = {};
    for (const m of materials) {
      if (m.fulfilment === 'RESULT') continue;
      if (!asGuideMaterial(m, applying, memberGuides).required) continue;
      const v = values[m.name];
      const ok = m.fulfilment === 'COMMITMENT' ? v?.commitment || !!v?.files.length : !!v?.files.length;
      if (!ok)
        mErrs[m.name] = t(m.fulfilment === 'COMMITMENT' ? 'apply.commitMissing' : 'apply.materialMissing', {
          name: m.name,
        });
    }
    setMatErrors(mErrs);
    if (Object.keys(aErrs).length || !formOk || Object.keys(mErrs).length) {
      message.error(t('apply.fixErrors'));
      return;
    }
    modal.confirm({
      title: t('bundles.apply.submit'),
      content: t('bundles.apply.confirm', { items: itemsApplied.join(lang === 'en' ? ', ' : '、') }),
      okText: t('bundles.apply.submit'),
      onOk: doSubmit,
    });
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {g.scenarios.length ? (
        <Card title={<h2 className="yw-card-title">{t('bundles.scenario.title')}</h2>}>
          <Typography.Paragraph type="secondary">{t('bundles.scenario.intro')}</Typography.Paragraph>
          {g.scenarios.map((s, i) => {
            const qid = `yw-bundle-q-${i}`;
            const err = answerErrors[s.id];
            const controls = g.members.filter((m) => m.condition?.scenario === s.id).map((m) => m.itemName);
            return (
              <div key={s.id} className="yw-bundle-scenario">
                <span id={qid} className="yw-bundle-scenario-q">
                  {lang === 'en' ? s.questionEn : s.question}
                </span>
                <Radio.Group
                  aria-labelledby={qid}
                  aria-describedby={`${qid}-hint`}
                  aria-invalid={err ? true : undefined}
                  value={answers[s.id]}
                  onChange={(e) => {
                    setAnswers((a) => ({ ...a, [s.id]: e.target.value as boolean }));
                    setAnswerErrors(({ [s.id]: _, ...rest }) => rest);
                  }}
                  options={[
                    { value: true, label: t('common.yes') },
                    { value: false, label: t('common.no') },
                  ]}
                />
                <Typography.Paragraph id={`${qid}-hint`} type="secondary" style={{ margin: '4px 0 0' }}>
                  {t('bundles.scenario.controls', { items: controls.join(lang === 'en' ? ', ' : '、') })}
                </Typography.Paragraph>
                {err ? (
                  <Typography.Paragraph type="danger" role="alert" style={{ margin: '4px 0 0' }}>
                    {err}
                  </Typography.Paragraph>
                ) : null}
              </div>
            );
          })}
        </Card>
      ) : null}
      <Alert
        type="info"
        showIcon
        role="status"
        message={t('bundles.apply.willApply', {
          n: itemsApplied.length,
          items: itemsApplied.join(lang === 'en' ? ', ' : '、'),
        })}
      />
      <Card title={<h2 className="yw-card-title">{t('bundles.formTitle')}</h2>}>
        <Typography.Paragraph type="secondary">{t('bundles.formIntro')}</Typography.Paragraph>
        <Form
          ref={formRef}
          schema={schema}
          uiSchema={uiSchema}
          formData={formData}
          validator={validator}
          onChange={(e) => {
            setFormData(e.formData as FormData);
            if (extraErrors) setExtraErrors(undefined);
          }}
          extraErrors={extraErrors}
          transformErrors={transformErrors}
          showErrorList={false}
          focusOnFirstError
          noHtml5Validate
          onSubmit={onSubmit}
        />
      </Card>
      <Card title={<h2 className="yw-card-title">{t('bundles.materialsTitle')}</h2>}>
        <Typography.Paragraph type="secondary">{t('bundles.materialsIntro')}</Typography.Paragraph>
        <BundleMaterials
          guide={g}
          materials={materials}
          applying={applying}
          memberGuides={memberGuides}
          values={values}
          setValues={setValues}
          errors={matErrors}
          onTouched={(name) => setMatErrors(({ [name]: _, ...rest }) => rest)}
        />
      </Card>
      <Space wrap>
        <Button type="primary" size="large" onClick={onSubmit} loading={busy} disabled={busy}>
          {t('bundles.apply.submit')}
        </Button>
      </Space>
    </Space>
  );
}

/** After submission: the bundle serial number and the query password, and the way to the bundle case. */
function BundleSubmitted({ guide, view, password, items }: Submitted & { guide: BundleGuide }) {
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  return (
    <ElderFriendly>
      <Result
        status="success"
        title={t('bundles.result.title')}
        subTitle={t('bundles.result.sub', {
          name: bundleName(guide, lang),
          n: items.length,
          items: items.join(lang === 'en' ? ', ' : '、'),
        })}
        extra={
          <Space wrap>
            <Button type="primary" onClick={() => navigate(`/my/bundles/${encodeURIComponent(view.id)}`)}>
              {t('bundles.result.view')}
            </Button>
            <Button onClick={() => navigate('/my/cases')}>{t('apply.toMyCases')}</Button>
          </Space>
        }
      >
        <SecretBlock serialNo={view.serialNo} password={password} warn={t('bundles.result.passwordWarn')} />
      </Result>
    </ElderFriendly>
  );
}
