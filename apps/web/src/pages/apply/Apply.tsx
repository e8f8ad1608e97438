import { CopyOutlined } from '@ant-design/icons';
import Form from '@rjsf/antd';
import type CoreForm from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Result, Space, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, api, errorText, request } from '../../api.ts';
import { type Profile, useMe, useProfile } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from './ElderFriendly.tsx';
import { MaterialsEditor } from './MaterialsEditor.tsx';
import {
  type CaseView,
  type Guide,
  type MaterialValues,
  materialsInput,
  missingMaterials,
  stateText,
  valuesFromCase,
} from './model.ts';

type FormData = Record<string, unknown>;

/**
 * The applicant's own values (the account's identity in clear, from `useProfile`) for form properties
 * with common names. A masked value is never pre-filled: a case must not be filed with it.
 */
export function prefill(schema: RJSFSchema, profile: Profile | undefined): FormData {
  const out: FormData = {};
  if (!profile) return out;
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const person = profile.type === 'person';
  const rules: [RegExp, string | null | undefined][] = [
    [/^(applicantName|applicant|name|personName|fullName|contactName)$/i, person ? profile.name : undefined],
    [/^(entityName|enterpriseName|companyName|unitName|orgName|corpName)$/i, person ? undefined : profile.name],
    [/^(phone|contactPhone|mobile|mobilePhone|applicantPhone|tel|telephone)$/i, profile.phone],
    [/^(idNumber|idCard|idNo|applicantIdNumber|certNo)$/i, person ? profile.idNumber : undefined],
    [/^(creditCode|uscc|socialCreditCode)$/i, profile.creditCode],
  ];
  for (const [name, def] of Object.entries(props)) {
    if (def?.type !== undefined && def.type !== 'string') continue;
    for (const [re, value] of rules) {
      if (value && re.test(name)) {
        out[name] = value;
        break;
      }
    }
  }
  return out;
}

/**
 * Field order: the stored schema may not keep the order of `properties` (JSON objects are unordered,
 * and a jsonb column sorts keys), so the form follows `ui:order` when the schema has one, else the
 * order of `required` (an array, so its order survives), then the other properties.
 */
export function formUiSchema(schema: RJSFSchema): UiSchema {
  const given = (schema as { 'ui:order'?: unknown })['ui:order'];
  const props = Object.keys((schema.properties ?? {}) as object);
  const required = Array.isArray(schema.required) ? schema.required.filter((p) => props.includes(p)) : [];
  const order = Array.isArray(given) ? (given as string[]) : [...required, '*'];
  return { 'ui:order': order.includes('*') ? order : [...order, '*'], 'ui:submitButtonOptions': { norender: true } };
}

interface Submitted {
  view: CaseView;
  password: string | null;
}

/** /services/:taskCode/apply[?draft=id] — fill in the item's form, provide the materials, save a draft or submit. */
export default function ApplyPage() {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const { taskCode = '' } = useParams();
  const [params] = useSearchParams();
  const draftId = params.get('draft');
  const me = useMe();
  const account = me.data?.account;
  const applicant = !!account && account.type !== 'staff';
  const profile = useProfile(applicant && !draftId);

  const guide = useQuery({
    queryKey: ['catalog', 'item', taskCode],
    queryFn: () => api.get<Guide>(`/catalog/items/${encodeURIComponent(taskCode)}`),
    retry: false,
  });
  const draft = useQuery({
    queryKey: ['cases', 'one', draftId],
    queryFn: () => api.get<CaseView>(`/cases/${encodeURIComponent(draftId ?? '')}`),
    enabled: !!draftId,
    retry: false,
  });

  const formRef = useRef<CoreForm>(null);
  const [formData, setFormData] = useState<FormData>({});
  const [values, setValues] = useState<MaterialValues>({});
  const [ready, setReady] = useState(false);
  const [saved, setSaved] = useState<{ id: string; version: number; serialNo: string } | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [matErrors, setMatErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<'draft' | 'submit' | null>(null);
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const [notDraft, setNotDraft] = useState<CaseView | null>(null);

  const schema = useMemo<RJSFSchema>(
    () => ({ type: 'object', ...((guide.data?.formSchema ?? {}) as RJSFSchema) }),
    [guide.data],
  );
  const uiSchema = useMemo(() => formUiSchema(schema), [schema]);

  // Initial values: the draft's, or the account's for common property names.
  useEffect(() => {
    if (ready || !guide.data) return;
    if (draftId) {
      if (!draft.data) return;
      if (draft.data.state !== 'DRAFT') setNotDraft(draft.data);
      setFormData(draft.data.formData ?? {});
      setValues(valuesFromCase(draft.data.materials));
      setSaved({ id: draft.data.id, version: draft.data.version, serialNo: draft.data.serialNo });
    } else {
      // Wait for the account's own values (a failed read leaves the form empty, not half-filled).
      if (applicant && profile.isPending) return;
      setFormData(prefill(schema, profile.data));
    }
    setReady(true);
  }, [ready, guide.data, draft.data, draftId, schema, applicant, profile.isPending, profile.data]);

  if (account && account.type === 'staff')
    return <Result status="403" title="403" subTitle={t('apply.staffCannotApply')} />;
  if (submitted && guide.data) return <SubmittedResult itemName={guide.data.name} {...submitted} />;
  if (!ready && (guide.isLoading || (draftId && draft.isLoading))) return <Card loading />;
  const loadError = guide.error ?? (ready ? null : draft.error);
  if (loadError || !guide.data)
    return (
      <Alert
        type="error"
        showIcon
        message={loadError ? errorText(loadError, lang) : t('common.loadFailed')}
        action={<Link to="/services">{t('services.back')}</Link>}
      />
    );
  const g = guide.data;
  if (notDraft) {
    return (
      <Result
        status="info"
        title={notDraft.itemName}
        subTitle={stateText(t, notDraft.state)}
        extra={<Link to={`/my/cases/${encodeURIComponent(notDraft.id)}`}>{t('apply.viewCase')}</Link>}
      />
    );
  }

  const properties = Object.keys((schema.properties ?? {}) as object);
  const titleOf = (prop: string) =>
    ((schema.properties as Record<string, { title?: string }> | undefined)?.[prop]?.title ?? prop) as string;

  const transformErrors = (errs: RJSFValidationError[]) =>
    errs.map((e) => {
      const prop =
        e.name === 'required' ? String(e.params?.missingProperty ?? '') : String(e.property ?? '').replace(/^\./, '');
      const title = titleOf(prop);
      return { ...e, message: t(e.name === 'required' ? 'apply.fieldRequired' : 'apply.fieldInvalid', { title }) };
    });

  /** Puts a server error where it belongs: on a form field, on a material, or in a message. */
  const showError = (e: unknown) => {
    if (e instanceof ApiError && e.field?.startsWith('formData.')) {
      const prop = e.field.slice('formData.'.length);
      setExtraErrors({ [prop]: { __errors: [e.text(lang)] } } as ErrorSchema);
      message.error(t('apply.fixErrors'));
      return;
    }
    if (e instanceof ApiError && e.field?.startsWith('materials.')) {
      const name = e.field.slice('materials.'.length);
      setMatErrors((m) => ({ ...m, [name]: e.text(lang) }));
      message.error(t('apply.fixErrors'));
      return;
    }
    message.error(errorText(e, lang));
  };

  const currentFormData = (): FormData => (formRef.current?.state.formData as FormData | undefined) ?? formData;

  /** Creates the draft or saves it; returns the saved case. */
  const saveDraft = async (): Promise<{
    id: string;
    version: number;
    serialNo: string;
    pwd: string | null;
    created: boolean;
  }> => {
    const body = { formData: currentFormData(), materials: materialsInput(g.materials, values) };
    if (!saved) {
      const r = await api.post<{ case: CaseView; queryPassword: string }>('/cases', { taskCode, ...body });
      const s = { id: r.case.id, version: r.case.version, serialNo: r.case.serialNo };
      setSaved(s);
      setPassword(r.queryPassword);
      // Keep the address of the draft (not the password) so that a reload continues it.
      navigate(`/services/${encodeURIComponent(taskCode)}/apply?draft=${encodeURIComponent(s.id)}`, {
        replace: true,
      });
      return { ...s, pwd: r.queryPassword, created: true };
    }
    const r = await request<CaseView | { case: CaseView }>('PUT', `/cases/${encodeURIComponent(saved.id)}`, {
      ...body,
      expectedVersion: saved.version,
    });
    const v = 'case' in r ? r.case : r;
    const s = { id: v.id ?? saved.id, version: v.version, serialNo: v.serialNo ?? saved.serialNo };
    setSaved(s);
    return { ...s, pwd: password, created: false };
  };

  const onSaveDraft = async () => {
    setBusy('draft');
    try {
      const s = await saveDraft();
      message.success(t('apply.draftSaved'));
      if (s.created)
        modal.info({
          title: t('apply.draftPasswordTitle'),
          width: 560,
          content: <SecretBlock serialNo={s.serialNo} password={s.pwd} warn={t('apply.draftPasswordWarn')} />,
        });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(null);
    }
  };

  const doSubmit = async () => {
    setBusy('submit');
    try {
      if (!saved) {
        const r = await api.post<{ case: CaseView; queryPassword: string }>('/cases', {
          taskCode,
          formData: currentFormData(),
          materials: materialsInput(g.materials, values),
          submit: true,
        });
        setSubmitted({ view: r.case, password: r.queryPassword });
        return;
      }
      const s = await saveDraft();
      const r = await api.post<CaseView | { case: CaseView; queryPassword?: string }>(
        `/cases/${encodeURIComponent(s.id)}/actions`,
        { action: 'submit', expectedVersion: s.version },
      );
      const view = 'case' in r ? r.case : r;
      const pwd = 'case' in r && r.queryPassword ? r.queryPassword : s.pwd;
      setSubmitted({ view, password: pwd });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(null);
    }
  };

  const onSubmit = () => {
    const formOk = formRef.current ? formRef.current.validateForm() : true;
    const missing = missingMaterials(g.materials, values);
    const errs: Record<string, string> = {};
    for (const name of missing) {
      const m = g.materials.find((x) => x.name === name);
      errs[name] = t(m?.fulfilment === 'COMMITMENT' ? 'apply.commitMissing' : 'apply.materialMissing', { name });
    }
    setMatErrors(errs);
    if (!formOk || missing.length) {
      message.error(t('apply.fixErrors'));
      return;
    }
    modal.confirm({
      title: t('apply.submit'),
      content: t('apply.submitConfirm'),
      okText: t('apply.submit'),
      onOk: doSubmit,
    });
  };

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-apply">
        <Link to={`/services/${encodeURIComponent(taskCode)}`}>{t('apply.cancel')}</Link>
        <Typography.Title level={1} className="yw-page-title">
          {t('apply.title', { name: g.name })}
        </Typography.Title>
        {saved ? <Alert type="info" showIcon message={t('apply.draftOf', { serialNo: saved.serialNo })} /> : null}
        <Card title={<h2 className="yw-card-title">{t('apply.formTitle')}</h2>}>
          {properties.length ? (
            <>
              <Typography.Paragraph type="secondary">{t('apply.prefilled')}</Typography.Paragraph>
              {ready ? (
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
              ) : null}
            </>
          ) : (
            <Typography.Paragraph>{t('apply.noForm')}</Typography.Paragraph>
          )}
        </Card>
        <Card title={<h2 className="yw-card-title">{t('apply.materialsTitle')}</h2>}>
          <MaterialsEditor
            taskCode={taskCode}
            materials={g.materials}
            values={values}
            setValues={setValues}
            errors={matErrors}
            onPrefill={(fetched) =>
              setFormData({
                ...fetched,
                ...Object.fromEntries(Object.entries(currentFormData()).filter(([, v]) => v !== undefined && v !== '')),
              })
            }
            onTouched={(name) =>
              setMatErrors((m) => {
                if (!m[name]) return m;
                const { [name]: _, ...rest } = m;
                return rest;
              })
            }
          />
        </Card>
        <Space wrap>
          <Button size="large" onClick={() => void onSaveDraft()} loading={busy === 'draft'} disabled={!!busy}>
            {t('apply.saveDraft')}
          </Button>
          <Button type="primary" size="large" onClick={onSubmit} loading={busy === 'submit'} disabled={!!busy}>
            {t('apply.submit')}
          </Button>
        </Space>
      </Space>
    </ElderFriendly>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

/** The serial number and the query password (shown once), with copy buttons and the warning to keep them. */
export function SecretBlock({ serialNo, password, warn }: { serialNo: string; password: string | null; warn: string }) {
  const { t } = usePrefs();
  const { message } = AntApp.useApp();
  const copy = async (text: string) => {
    if (await copyText(text)) message.success(t('apply.copied'));
    else message.warning(t('apply.copyFailed'));
  };
  return (
    <>
      <Descriptions bordered column={1} size="middle">
        <Descriptions.Item label={t('apply.serialNo')}>
          <Space wrap>
            <span className="yw-code" data-testid="serial-no">
              {serialNo}
            </span>
            <Button
              icon={<CopyOutlined />}
              aria-label={`${t('apply.copy')}${t('apply.serialNo')}`}
              onClick={() => void copy(serialNo)}
            >
              {t('apply.copy')}
            </Button>
          </Space>
        </Descriptions.Item>
        {password ? (
          <Descriptions.Item label={t('apply.queryPassword')}>
            <Space wrap>
              <span className="yw-code yw-password" data-testid="query-password">
                {password}
              </span>
              <Button
                icon={<CopyOutlined />}
                aria-label={`${t('apply.copy')}${t('apply.queryPassword')}`}
                onClick={() => void copy(password)}
              >
                {t('apply.copy')}
              </Button>
            </Space>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <Alert
        style={{ marginTop: 16, textAlign: 'left' }}
        type="warning"
        showIcon
        role="alert"
        message={password ? warn : t('apply.passwordLost')}
      />
    </>
  );
}

/** After submission: the serial number and the query password. */
function SubmittedResult({ itemName, view, password }: Submitted & { itemName: string }) {
  const { t } = usePrefs();
  const navigate = useNavigate();
  return (
    <Result
      status="success"
      title={t('apply.resultTitle')}
      subTitle={t('apply.resultSub', { name: itemName })}
      extra={
        <Space wrap>
          <Button type="primary" onClick={() => navigate(`/my/cases/${encodeURIComponent(view.id)}`)}>
            {t('apply.viewCase')}
          </Button>
          <Button onClick={() => navigate('/my/cases')}>{t('apply.toMyCases')}</Button>
        </Space>
      }
    >
      <SecretBlock serialNo={view.serialNo} password={password} warn={t('apply.passwordWarn')} />
    </Result>
  );
}
