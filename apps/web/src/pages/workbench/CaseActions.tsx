/**
 * The action buttons of a case (from `allowedActions`) and one dialog per action. Every request sends
 * `expectedVersion`; a 409 (someone else changed the case) is reported to the page, which reloads.
 */
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { actionLabel, type CaseView, label, PROCEDURE_TYPES } from './caseModel.ts';

/** Display order of staff actions; anything else the server allows comes after, in its own order. */
const ORDER = [
  'pre_review',
  'receive',
  'return',
  'request_supplement',
  'accept',
  'refuse',
  'start_review',
  'complete_step',
  'countersign_start',
  'countersign',
  'extend',
  'suspend',
  'resume',
  'approve',
  'deny',
  'conclude',
  'deliver',
  'void',
];
/** Actions taken by the applicant or the system: never offered on the workbench. */
const NOT_STAFF = new Set(['submit', 'resubmit', 'supplement', 'withdraw', 'auto_accept', 'provide_materials']);
const DANGER = new Set(['return', 'refuse', 'deny', 'void']);
const PRIMARY = new Set([
  'pre_review',
  'receive',
  'accept',
  'start_review',
  'approve',
  'conclude',
  'deliver',
  'resume',
]);
/** Actions whose reason is required by the contract. */
const NEEDS_REASON = new Set(['return', 'request_supplement', 'refuse', 'suspend', 'extend', 'deny', 'void']);

export function orderedActions(allowed: string[] | undefined): string[] {
  const list = (allowed ?? []).filter((a) => !NOT_STAFF.has(a));
  return [...ORDER.filter((a) => list.includes(a)), ...list.filter((a) => !ORDER.includes(a))];
}

interface Department {
  id: string;
  name: string;
}

interface Values {
  reason?: string;
  materials?: string[];
  notes?: Record<string, string>;
  mode?: 'plain' | 'tolerated';
  tolerated?: string[];
  dueDay?: Dayjs;
  opinion?: 'agree' | 'disagree';
  comment?: string;
  departments?: string[];
  procedureType?: string;
  extendDays?: number;
}

/** Maps a server field name (e.g. `supplementItems.0.material`) to the dialog's form field. */
function formFieldOf(field: string | undefined): keyof Values | null {
  if (!field) return null;
  const head = field.split('.')[0]!;
  const map: Record<string, keyof Values> = {
    reason: 'reason',
    supplementItems: 'materials',
    tolerated: 'tolerated',
    opinion: 'opinion',
    comment: 'comment',
    departments: 'departments',
    procedure: 'procedureType',
    extendDays: 'extendDays',
  };
  return map[head] ?? null;
}

export function CaseActions({
  c,
  onChanged,
  onConflict,
}: {
  c: CaseView;
  onChanged: () => void;
  onConflict: (text: string) => void;
}) {
  const { t } = usePrefs();
  const [open, setOpen] = useState<string | null>(null);
  const actions = orderedActions(c.allowedActions);
  if (actions.length === 0) return <Typography.Paragraph>{t('workbench.act.none')}</Typography.Paragraph>;
  return (
    <>
      <Space wrap>
        {actions.map((a) => (
          <Button
            key={a}
            type={PRIMARY.has(a) ? 'primary' : 'default'}
            danger={DANGER.has(a)}
            onClick={() => setOpen(a)}
            aria-haspopup="dialog"
          >
            {actionLabel(t, a)}
          </Button>
        ))}
      </Space>
      {open && (
        <ActionDialog
          key={open}
          action={open}
          c={c}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onChanged();
          }}
          onConflict={(text) => {
            setOpen(null);
            onConflict(text);
          }}
        />
      )}
    </>
  );
}

function ActionDialog({
  action,
  c,
  onClose,
  onDone,
  onConflict,
}: {
  action: string;
  c: CaseView;
  onClose: () => void;
  onDone: () => void;
  onConflict: (text: string) => void;
}) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const materials = c.materials ?? [];
  const picked = Form.useWatch('materials', form) ?? [];
  const mode = Form.useWatch('mode', form) ?? 'plain';
  const departments = useQuery({
    queryKey: ['workbench', 'countersign-departments'],
    enabled: action === 'countersign_start',
    retry: false,
    queryFn: async () => (await api.get<{ items: Department[] }>('/org/departments')).items,
  });

  const body = (v: Values): Record<string, unknown> => {
    const b: Record<string, unknown> = { action, expectedVersion: c.version };
    const reason = v.reason?.trim();
    if (reason) b.reason = reason;
    switch (action) {
      case 'request_supplement':
        b.supplementItems = (v.materials ?? []).map((m) => ({ material: m, note: v.notes?.[m]?.trim() ?? '' }));
        break;
      case 'accept':
        if (v.mode === 'tolerated' && v.tolerated?.length && v.dueDay) {
          const dueDay = v.dueDay.format('YYYY-MM-DD');
          b.tolerated = v.tolerated.map((m) => ({ material: m, dueDay }));
        }
        break;
      case 'complete_step':
      case 'countersign':
        b.opinion = v.opinion;
        if (v.comment?.trim()) b.comment = v.comment.trim();
        break;
      case 'countersign_start':
        b.departments = v.departments ?? [];
        break;
      case 'suspend':
        b.procedure = { type: v.procedureType };
        break;
      case 'extend':
        b.extendDays = v.extendDays;
        break;
    }
    return b;
  };

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/cases/${encodeURIComponent(c.id)}/actions`, body(v));
      message.success(t('workbench.act.done', { action: actionLabel(t, action) }));
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        onConflict(errorText(e, lang));
        return;
      }
      const field = e instanceof ApiError ? formFieldOf(e.field) : null;
      if (field) form.setFields([{ name: field, errors: [errorText(e, lang)] }]);
      else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  const title = actionLabel(t, action);
  const required = (msg: string) => [{ required: true, whitespace: true, message: msg }];
  const reasonItem = (labelKey: 'workbench.act.reason' | 'workbench.act.supplementReason' = 'workbench.act.reason') => (
    <Form.Item
      name="reason"
      label={t(labelKey)}
      rules={NEEDS_REASON.has(action) ? required(t('workbench.act.reasonRequired')) : []}
    >
      <Input.TextArea rows={3} maxLength={2000} showCount />
    </Form.Item>
  );

  let content: React.ReactNode;
  switch (action) {
    case 'request_supplement':
      content = (
        <>
          <Typography.Paragraph type="secondary">{t('workbench.act.supplementHint')}</Typography.Paragraph>
          <Form.Item
            name="materials"
            label={t('workbench.act.supplementMaterials')}
            rules={[{ required: true, type: 'array', min: 1, message: t('workbench.act.pickMaterials') }]}
          >
            <Select
              mode="multiple"
              options={materials.map((m) => ({ value: m.name, label: m.name }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
          {picked.map((m) => (
            <Form.Item key={m} name={['notes', m]} label={t('workbench.act.noteFor', { name: m })}>
              <Input maxLength={500} placeholder={t('workbench.act.notePlaceholder')} />
            </Form.Item>
          ))}
          {reasonItem('workbench.act.supplementReason')}
        </>
      );
      break;
    case 'accept': {
      const missing = materials.filter((m) => m.status !== 'provided' && m.status !== 'supplemented');
      const options = (missing.length ? missing : materials).map((m) => ({
        value: m.name,
        label: m.status
          ? t('workbench.fmt.paren', { text: m.name, note: label(t, 'workbench.materialStatus', m.status) })
          : m.name,
      }));
      content = (
        <>
          <Form.Item name="mode" label={t('workbench.act.acceptMode')} initialValue="plain">
            <Radio.Group
              options={[
                { value: 'plain', label: t('workbench.act.acceptPlain') },
                { value: 'tolerated', label: t('workbench.act.acceptTolerated') },
              ]}
            />
          </Form.Item>
          {mode === 'tolerated' && (
            <>
              <Typography.Paragraph type="secondary">{t('workbench.act.toleratedHint')}</Typography.Paragraph>
              <Form.Item
                name="tolerated"
                label={t('workbench.act.toleratedMaterials')}
                rules={[{ required: true, type: 'array', min: 1, message: t('workbench.act.pickMaterials') }]}
              >
                <Select mode="multiple" options={options} showSearch={{ optionFilterProp: 'label' }} />
              </Form.Item>
              <Form.Item
                name="dueDay"
                label={t('workbench.act.toleratedDue')}
                rules={[{ required: true, message: t('workbench.act.dueRequired') }]}
              >
                <DatePicker
                  format="YYYY-MM-DD"
                  disabledDate={(d) => d.isBefore(dayjs().add(1, 'day'), 'day')}
                  style={{ width: 200 }}
                />
              </Form.Item>
            </>
          )}
          {reasonItem()}
        </>
      );
      break;
    }
    case 'complete_step':
    case 'countersign': {
      const step = action === 'complete_step' && c.currentStep != null ? c.steps?.[c.currentStep] : null;
      content = (
        <>
          {step && <Typography.Paragraph>{t('workbench.act.currentStep', { name: step.name })}</Typography.Paragraph>}
          <Form.Item
            name="opinion"
            label={t('workbench.act.opinion')}
            rules={[{ required: true, message: t('workbench.act.opinionRequired') }]}
          >
            <Radio.Group
              options={[
                { value: 'agree', label: t('workbench.opinion.agree') },
                { value: 'disagree', label: t('workbench.opinion.disagree') },
              ]}
            />
          </Form.Item>
          <Form.Item name="comment" label={t('workbench.act.comment')}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
        </>
      );
      break;
    }
    case 'countersign_start': {
      const opts = (departments.data ?? []).filter((d) => d.id !== c.departmentId);
      content = (
        <>
          {departments.isError && <Alert type="warning" showIcon title={errorText(departments.error, lang)} />}
          {departments.isSuccess && opts.length === 0 && (
            <Alert type="info" showIcon title={t('workbench.act.noOtherDepartments')} style={{ marginBottom: 12 }} />
          )}
          <Form.Item
            name="departments"
            label={t('workbench.act.departments')}
            rules={[{ required: true, type: 'array', min: 1, message: t('workbench.act.pickDepartments') }]}
          >
            <Select
              mode="multiple"
              loading={departments.isLoading}
              options={opts.map((d) => ({ value: d.id, label: d.name }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
        </>
      );
      break;
    }
    case 'suspend':
      content = (
        <>
          <Form.Item
            name="procedureType"
            label={t('workbench.act.procedureType')}
            rules={[{ required: true, message: t('workbench.act.procedureRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={PROCEDURE_TYPES.map((p) => ({ value: p, label: label(t, 'workbench.procedure', p) }))}
            />
          </Form.Item>
          {reasonItem()}
        </>
      );
      break;
    case 'extend':
      content = (
        <>
          <Typography.Paragraph type="secondary">{t('workbench.act.extendHint')}</Typography.Paragraph>
          <Form.Item
            name="extendDays"
            label={t('workbench.act.extendDays')}
            rules={[{ required: true, type: 'integer', min: 1, max: 10, message: t('workbench.act.extendRange') }]}
          >
            <InputNumber min={1} max={10} precision={0} style={{ width: 160 }} />
          </Form.Item>
          {reasonItem()}
        </>
      );
      break;
    default:
      content = (
        <>
          <Typography.Paragraph>
            {t('workbench.act.confirm', { action: title, serial: c.serialNo })}
          </Typography.Paragraph>
          {NEEDS_REASON.has(action) && reasonItem()}
        </>
      );
  }

  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      okText={t('workbench.act.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      width={640}
      destroyOnHidden
      maskClosable={false}
    >
      <Form<Values> form={form} name={`case-action-${action}`} layout="vertical" onFinish={submit}>
        {content}
      </Form>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
    </Modal>
  );
}
