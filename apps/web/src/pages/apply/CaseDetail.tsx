import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { RatingPanel } from '../cases/RatingPanel.tsx';
import { isSharedDataEvidence, SharedDataEvidenceView } from '../data/SharedDataEvidence.tsx';
import { CaseLicence, EcertEvidenceView } from '../licences/Ecert.tsx';
import { isEcertEvidence } from '../licences/model.ts';
import { CaseTimeline } from './CaseTimeline.tsx';
import { ElderFriendly } from './ElderFriendly.tsx';
import { MaterialsEditor } from './MaterialsEditor.tsx';
import {
  type CaseMaterial,
  type CaseView,
  dateTime,
  fileSize,
  type Guide,
  type GuideMaterial,
  labelOf,
  type MaterialValues,
  materialsInput,
  missingMaterials,
  stateColor,
  stateText,
  type TimelineEvent,
  valuesFromCase,
} from './model.ts';

/** States before the decision that are not terminal (withdraw is possible there). */
const BEFORE_DECISION = new Set([
  'DRAFT',
  'SUBMITTED',
  'PRE_REVIEW',
  'PRE_REVIEW_RETURNED',
  'RECEIVED',
  'SUPPLEMENT_NOTICE',
  'ACCEPTED',
  'REVIEWING',
  'SUSPENDED',
]);

/** States in which a case may be rated (the evaluation module's RATEABLE_STATES). */
const RATEABLE = new Set(['DECIDED', 'COMPLETED', 'DELIVERED', 'NOT_ACCEPTED']);

/** The applicant's actions now: from the server, or (older servers) from the state. */
function allowedOf(c: CaseView): Set<string> {
  if (Array.isArray(c.allowedActions)) return new Set(c.allowedActions);
  const out = new Set<string>();
  if (BEFORE_DECISION.has(c.state)) out.add('withdraw');
  if (c.state === 'DRAFT') out.add('submit');
  if (c.state === 'SUPPLEMENT_NOTICE') out.add('supplement');
  if (c.state === 'PRE_REVIEW_RETURNED') out.add('resubmit');
  return out;
}

/** A guide material by name, or a plain upload when the item no longer names it. */
function materialOf(guide: Guide | undefined, c: CaseMaterial | undefined, name: string): GuideMaterial {
  const g = guide?.materials.find((m) => m.name === name);
  if (g) return g;
  return {
    name,
    type: 'original',
    required: true,
    copies: 1,
    fulfilment: c?.fulfilment === 'COMMITMENT' ? 'COMMITMENT' : 'UPLOAD',
    format: null,
    maxSizeMb: null,
  };
}

/** The newest event of one of `actions`. */
const lastEvent = (events: TimelineEvent[], actions: string[]) =>
  [...events].reverse().find((e) => actions.includes(e.action));

/** /my/cases/:id — the applicant's view of one case. */
export default function CaseDetailPage() {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const one = useQuery({
    queryKey: ['cases', 'one', id],
    queryFn: () => api.get<CaseView>(`/cases/${encodeURIComponent(id)}`),
    retry: false,
  });
  const timeline = useQuery({
    queryKey: ['cases', 'timeline', id],
    queryFn: () => api.get<{ items: TimelineEvent[] }>(`/cases/${encodeURIComponent(id)}/timeline`),
    retry: false,
  });
  const taskCode = one.data?.taskCode;
  const guide = useQuery({
    queryKey: ['catalog', 'item', taskCode],
    queryFn: () => api.get<Guide>(`/catalog/items/${encodeURIComponent(taskCode ?? '')}`),
    enabled: !!taskCode,
    retry: false,
  });
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['cases', 'one', id] }),
      qc.invalidateQueries({ queryKey: ['cases', 'timeline', id] }),
      qc.invalidateQueries({ queryKey: ['cases', 'mine'] }),
    ]);

  /** POST an applicant action; true when it was done. */
  const act = async (action: string, extra: Record<string, unknown>, done: string): Promise<boolean> => {
    if (!one.data) return false;
    setBusy(action);
    try {
      await api.post(`/cases/${encodeURIComponent(id)}/actions`, {
        action,
        expectedVersion: one.data.version,
        ...extra,
      });
      message.success(done);
      await refresh();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONCURRENT_UPDATE') {
        message.warning(t('apply.detail.conflict'));
        await refresh();
      } else message.error(errorText(e, lang));
      return false;
    } finally {
      setBusy(null);
    }
  };

  if (one.isLoading) return <Card loading />;
  if (one.error || !one.data)
    return (
      <Result
        status={one.error instanceof ApiError && one.error.status === 404 ? '404' : 'error'}
        title={one.error ? errorText(one.error, lang) : t('common.loadFailed')}
        extra={<Link to="/my/cases">{t('apply.detail.back')}</Link>}
      />
    );
  const c = one.data;
  const events = timeline.data?.items ?? [];
  const allowed = allowedOf(c);
  const decided = lastEvent(events, ['approve', 'deny']);
  const refused = c.state === 'NOT_ACCEPTED' ? lastEvent(events, ['refuse']) : undefined;
  const returned = c.state === 'PRE_REVIEW_RETURNED' ? lastEvent(events, ['return']) : undefined;
  const tolerated = (c.materials ?? []).filter((m) => m.status === 'tolerated');

  const onWithdraw = () =>
    modal.confirm({
      title: t('apply.detail.withdraw'),
      content: t('apply.detail.withdrawConfirm'),
      okText: t('apply.detail.withdraw'),
      okButtonProps: { danger: true },
      onOk: () => act('withdraw', {}, t('apply.detail.withdrawn')),
    });

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-case yw-apply">
        <Link to="/my/cases">{t('apply.detail.back')}</Link>
        <Typography.Title level={1} className="yw-page-title">
          {t('common.pair', { label: t('apply.detail.title'), value: c.itemName })}
        </Typography.Title>

        <Card title={<h2 className="yw-card-title">{t('apply.detail.summary')}</h2>}>
          <Descriptions bordered column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label={t('apply.detail.item')}>
              <Link to={`/services/${encodeURIComponent(c.taskCode)}`}>{c.itemName}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.serialNo')}>
              <code data-testid="case-serial-no">{c.serialNo}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.state')}>
              <Tag color={stateColor(c.state)}>{stateText(t, c.state)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.createdAt')}>{dateTime(c.createdAt)}</Descriptions.Item>
            {c.acceptedAt ? (
              <Descriptions.Item label={t('apply.detail.acceptedAt')}>{dateTime(c.acceptedAt)}</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('apply.detail.dueDay')}>
              <Space wrap>
                <span>{c.dueDay ?? t('apply.detail.dueNone')}</span>
                {c.dueDay && c.deadlineStatus ? (
                  <Tag
                    color={c.deadlineStatus === 'overdue' ? 'red' : c.deadlineStatus === 'warning' ? 'orange' : 'green'}
                  >
                    {labelOf(t, 'apply.detail.deadline', c.deadlineStatus)}
                  </Tag>
                ) : null}
                {c.extendedDays ? <span>{t('apply.detail.extended', { n: c.extendedDays })}</span> : null}
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <Space wrap style={{ marginTop: 16 }}>
            {c.state === 'DRAFT' ? (
              <Button
                type="primary"
                onClick={() =>
                  navigate(`/services/${encodeURIComponent(c.taskCode)}/apply?draft=${encodeURIComponent(c.id)}`)
                }
              >
                {t('apply.detail.continueDraft')}
              </Button>
            ) : null}
            {allowed.has('withdraw') ? (
              <Button danger onClick={onWithdraw} loading={busy === 'withdraw'}>
                {t('apply.detail.withdraw')}
              </Button>
            ) : null}
          </Space>
        </Card>

        {c.outcome || refused ? (
          <Card title={<h2 className="yw-card-title">{t('apply.detail.result')}</h2>}>
            <Descriptions bordered column={1} size="small">
              {c.outcome ? (
                <Descriptions.Item label={t('apply.detail.outcome')}>
                  <Tag color={c.outcome === 'APPROVED' ? 'green' : 'red'}>
                    {labelOf(t, 'apply.detail.outcome', c.outcome)}
                  </Tag>
                </Descriptions.Item>
              ) : null}
              {c.outcome && decided?.reason ? (
                <Descriptions.Item label={t('apply.detail.outcomeReason')}>{decided.reason}</Descriptions.Item>
              ) : null}
              {refused ? (
                <Descriptions.Item label={t('apply.detail.notAccepted')}>{refused.reason ?? ''}</Descriptions.Item>
              ) : null}
            </Descriptions>
          </Card>
        ) : null}

        {/* The electronic licence an approved case issues (the API answers null when the item issues none) */}
        {c.outcome === 'APPROVED' ? <CaseLicence caseId={c.id} /> : null}

        {/* 好差评: the rate button once the case may be rated, the rating and its rectification */}
        {RATEABLE.has(c.state) || c.rating ? <RatingPanel caseId={c.id} onChanged={() => void refresh()} /> : null}

        {c.supplement && allowed.has('supplement') ? (
          <SupplementCard
            view={c}
            guide={guide.data}
            busy={busy === 'supplement'}
            onSend={(materials) => act('supplement', { materials }, t('apply.detail.supplementDone'))}
          />
        ) : null}

        {returned && allowed.has('resubmit') ? (
          <ResubmitCard
            view={c}
            guide={guide.data}
            reason={returned.reason}
            busy={busy === 'resubmit'}
            onSend={(materials) => act('resubmit', { materials }, t('apply.detail.resubmitted'))}
          />
        ) : null}

        {tolerated.length && allowed.has('provide_materials') ? (
          <ToleratedCard
            view={c}
            guide={guide.data}
            names={tolerated.map((m) => m.name)}
            busy={busy === 'provide_materials'}
            onSend={(materials) => act('provide_materials', { materials }, t('apply.detail.tolDone'))}
          />
        ) : null}

        {c.procedures?.length ? (
          <Card title={<h2 className="yw-card-title">{t('apply.detail.procedures')}</h2>}>
            <ul className="yw-link-list">
              {c.procedures.map((p) => (
                <li key={`${p.type}-${p.start}`}>
                  {t('apply.detail.procedure', {
                    type: labelOf(t, 'apply.proc', p.type),
                    start: p.start,
                    end: p.end ?? t('apply.detail.procedureOpen'),
                  })}
                </li>
              ))}
            </ul>
          </Card>
        ) : null}

        <Card title={<h2 className="yw-card-title">{t('apply.detail.materials')}</h2>}>
          <MaterialsTable
            materials={c.materials ?? []}
            toSupplement={
              c.state === 'SUPPLEMENT_NOTICE' && c.supplement
                ? new Set(c.supplement.items.map((i) => i.material))
                : undefined
            }
          />
        </Card>

        <Card title={<h2 className="yw-card-title">{t('apply.detail.timeline')}</h2>}>
          {timeline.error ? (
            <Alert type="error" showIcon message={errorText(timeline.error, lang)} />
          ) : (
            <CaseTimeline events={events} />
          )}
        </Card>
      </Space>
    </ElderFriendly>
  );
}

/**
 * The case's materials. `toSupplement`: the materials an open supplement notice asks for again;
 * they read 待补正 until the applicant sends them, whatever they were before.
 */
function MaterialsTable({ materials, toSupplement }: { materials: CaseMaterial[]; toSupplement?: Set<string> }) {
  const { t } = usePrefs();
  return (
    <Table<CaseMaterial>
      rowKey="name"
      pagination={false}
      dataSource={materials}
      scroll={{ x: true }}
      columns={[
        {
          title: t('services.materialName'),
          dataIndex: 'name',
          render: (v: string, m) => (
            <span>
              {v}
              {m.required ? <span className="yw-sr-only">（{t('apply.requiredMark')}）</span> : null}
              {m.required ? <span aria-hidden="true"> *</span> : null}
            </span>
          ),
        },
        {
          title: t('services.fulfilment'),
          dataIndex: 'fulfilment',
          render: (v: string | undefined) => (v ? labelOf(t, 'services.fulfilment', v) : ''),
        },
        {
          title: t('apply.detail.materialStatus'),
          dataIndex: 'status',
          render: (value: string | undefined, m) => {
            const v = toSupplement?.has(m.name) ? 'toSupplement' : value;
            return v ? (
              <span>
                <Tag color={v === 'missing' ? 'red' : v === 'tolerated' || v === 'toSupplement' ? 'orange' : 'green'}>
                  {labelOf(t, 'apply.detail.matStatus', v)}
                </Tag>
                {m.toleratedUntil ? t('apply.detail.tolUntil', { day: m.toleratedUntil }) : null}
              </span>
            ) : null;
          },
        },
        {
          title: t('apply.detail.materialFiles'),
          key: 'files',
          render: (_: unknown, m) => (
            <Space direction="vertical" size={0}>
              {m.fulfilment === 'ECERT' && isEcertEvidence(m.evidence) ? <EcertEvidenceView e={m.evidence} /> : null}
              {m.fulfilment === 'SHARED_DATA' && isSharedDataEvidence(m.evidence) ? (
                <SharedDataEvidenceView e={m.evidence} />
              ) : null}
              {(m.files ?? []).map((f) => (
                <a key={f.id} href={`/api/v1/cases/files/${encodeURIComponent(f.id)}`} target="_blank" rel="noreferrer">
                  {f.name}（{fileSize(f.size)}）
                </a>
              ))}
              {m.commitment ? <span>{t('apply.detail.committed')}</span> : null}
            </Space>
          ),
        },
      ]}
    />
  );
}

interface EditCardProps {
  view: CaseView;
  guide: Guide | undefined;
  busy: boolean;
  onSend: (materials: ReturnType<typeof materialsInput>) => Promise<boolean>;
}

/** A materials form for the named materials, sent with one applicant action. */
function MaterialsAction({
  view,
  guide,
  names,
  notes,
  busy,
  onSend,
  submitText,
  requireAll,
  keep,
}: EditCardProps & {
  names: string[];
  notes?: Record<string, string | null | undefined>;
  submitText: string;
  /** true: every named material must be provided; false: the required ones. */
  requireAll: boolean;
  /** Start from the materials on the case (else the named ones start empty: they are replaced). */
  keep?: boolean;
}) {
  const { t } = usePrefs();
  const list = names.map((n) =>
    materialOf(
      guide,
      view.materials?.find((m) => m.name === n),
      n,
    ),
  );
  const [values, setValues] = useState<MaterialValues>(() => {
    const v = valuesFromCase(view.materials);
    if (!keep) for (const n of names) v[n] = { files: [], commitment: false };
    return v;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const send = async () => {
    const missing = missingMaterials(list, values, requireAll ? new Set(names) : undefined);
    if (missing.length) {
      setErrors(
        Object.fromEntries(
          missing.map((n) => {
            const m = list.find((x) => x.name === n);
            return [
              n,
              t(m?.fulfilment === 'COMMITMENT' ? 'apply.commitMissing' : 'apply.materialMissing', { name: n }),
            ];
          }),
        ),
      );
      return;
    }
    setErrors({});
    await onSend(materialsInput(list, values));
  };
  return (
    <>
      <MaterialsEditor
        taskCode={view.taskCode}
        materials={list}
        values={values}
        setValues={setValues}
        errors={errors}
        notes={notes}
        onTouched={(n) => setErrors(({ [n]: _, ...rest }) => rest)}
      />
      <Button type="primary" style={{ marginTop: 16 }} loading={busy} onClick={() => void send()}>
        {submitText}
      </Button>
    </>
  );
}

function SupplementCard(props: EditCardProps) {
  const { t } = usePrefs();
  const s = props.view.supplement!;
  const names = [...new Set(s.items.map((i) => i.material))];
  const notes = Object.fromEntries(s.items.map((i) => [i.material, i.note]));
  return (
    <Card
      title={<h2 className="yw-card-title">{t('apply.detail.supplementTitle')}</h2>}
      className="yw-supplement"
      style={{ borderColor: '#ad6800' }}
    >
      <Typography.Paragraph>{t('apply.detail.supplementIntro', { at: dateTime(s.requestedAt) })}</Typography.Paragraph>
      <ul className="yw-link-list">
        {s.items.map((i) => (
          <li key={`${i.material}-${i.note ?? ''}`}>
            <strong>{i.material}</strong>
            {i.note ? `：${i.note}` : ''}
          </li>
        ))}
      </ul>
      <MaterialsAction
        {...props}
        names={names}
        notes={notes}
        requireAll
        submitText={t('apply.detail.supplementSubmit')}
      />
    </Card>
  );
}

function ResubmitCard(props: EditCardProps & { reason: string | null | undefined }) {
  const { t } = usePrefs();
  const names = props.guide?.materials.map((m) => m.name) ?? (props.view.materials ?? []).map((m) => m.name);
  return (
    <Card title={<h2 className="yw-card-title">{t('apply.detail.returned')}</h2>}>
      {props.reason ? (
        <Alert type="warning" showIcon message={t('apply.detail.reason', { text: props.reason })} />
      ) : null}
      <div style={{ marginTop: 16 }}>
        <MaterialsAction {...props} names={names} requireAll={false} keep submitText={t('apply.detail.resubmit')} />
      </div>
    </Card>
  );
}

function ToleratedCard(props: EditCardProps & { names: string[] }) {
  const { t } = usePrefs();
  return (
    <Card title={<h2 className="yw-card-title">{t('apply.detail.tolTitle')}</h2>}>
      <Typography.Paragraph>{t('apply.detail.tolIntro')}</Typography.Paragraph>
      <MaterialsAction {...props} requireAll submitText={t('apply.detail.tolSubmit')} />
    </Card>
  );
}
