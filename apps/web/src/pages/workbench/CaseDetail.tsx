/** One case for staff: applicant and form data (masked, with audited unmasking), materials with preview, steps, timeline, actions. */
import { ArrowLeftOutlined, EyeOutlined, LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Modal,
  Result,
  Row,
  Space,
  Steps,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { hasPermission, Loading, useMe } from '../../auth.tsx';
import { type MessageKey, type TFunction, usePrefs } from '../../i18n/index.tsx';
import { isSharedDataEvidence, SharedDataEvidenceView } from '../data/SharedDataEvidence.tsx';
import { CaseLicence, EcertEvidenceView } from '../licences/Ecert.tsx';
import { isEcertEvidence } from '../licences/model.ts';
import { CaseActions } from './CaseActions.tsx';
import { CaseDeadline, StateTag } from './caseBits.tsx';
import {
  actionLabel,
  type CaseFile,
  type CaseMaterial,
  type CaseView,
  type CountersignDept,
  fileUrl,
  formatSize,
  formatTime,
  type ItemGuide,
  label,
  type Procedure,
  stateLabel,
  type TimelineEvent,
  valueText,
} from './caseModel.ts';

const UNITS: Record<number, 'workingDays' | 'days' | 'hours' | 'minutes' | 'months'> = {
  1: 'workingDays',
  2: 'days',
  3: 'hours',
  4: 'minutes',
  5: 'months',
};
const limitText = (t: TFunction, n: number, unit: number) => t(`workbench.unit.${UNITS[unit] ?? 'workingDays'}`, { n });

export default function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePrefs();
  const qc = useQueryClient();
  const [conflict, setConflict] = useState<string | null>(null);
  const view = useQuery({
    queryKey: ['cases', 'detail', id],
    queryFn: () => api.get<CaseView>(`/cases/${encodeURIComponent(id)}`),
  });
  const timeline = useQuery({
    queryKey: ['cases', 'timeline', id],
    queryFn: () => api.get<{ items: TimelineEvent[] }>(`/cases/${encodeURIComponent(id)}/timeline`),
  });

  if (view.isPending) return <Loading />;
  if (view.isError) {
    const e = view.error;
    const status = e instanceof ApiError && (e.status === 403 || e.status === 404) ? String(e.status) : 'error';
    return (
      <Result
        status={status as '403' | '404' | 'error'}
        title={status === 'error' ? t('common.loadFailed') : status}
        subTitle={errorText(e, lang)}
        extra={<Link to="/workbench/cases">{t('workbench.case.back')}</Link>}
      />
    );
  }
  const c = view.data;
  const reload = () => {
    void qc.invalidateQueries({ queryKey: ['cases'] });
  };

  return (
    <>
      <Link to="/workbench/cases">
        <ArrowLeftOutlined aria-hidden /> {t('workbench.case.back')}
      </Link>
      <Typography.Title level={1} style={{ fontSize: 26, marginTop: 12 }}>
        {c.itemName} <small style={{ fontSize: '0.6em', fontWeight: 400 }}>{c.serialNo}</small>
      </Typography.Title>
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          closable={{ onClose: () => setConflict(null), 'aria-label': t('workbench.case.dismiss') }}
          style={{ marginBottom: 16 }}
          title={conflict}
          description={t('workbench.act.reloaded')}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('workbench.case.actions')}</h2>}>
            <CaseActions
              c={c}
              onChanged={() => {
                setConflict(null);
                reload();
              }}
              onConflict={(text) => {
                setConflict(text);
                reload();
              }}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Summary c={c} />
        </Col>
        <Col xs={24} xl={12}>
          <Applicant c={c} />
        </Col>
        <Col xs={24} xl={12}>
          <Progress c={c} />
        </Col>
        <Col span={24}>
          <Materials c={c} />
        </Col>
        {c.outcome === 'APPROVED' && (
          <Col span={24}>
            <CaseLicence caseId={c.id} staff />
          </Col>
        )}
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('workbench.case.timeline')}</h2>}>
            {timeline.isError ? (
              <Alert type="error" showIcon title={errorText(timeline.error, lang)} />
            ) : (
              <CaseTimeline events={timeline.data?.items ?? []} loading={timeline.isPending} />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function Summary({ c }: { c: CaseView }) {
  const { t, elder } = usePrefs();
  const me = useMe();
  // The department list is scoped to the caller's grants (readable with an org.* grant only); it is
  // asked for only when the case does not name its department, and the id is shown when it is not readable.
  const dept = useQuery({
    queryKey: ['workbench', 'departments'],
    enabled: !c.departmentName && hasPermission(me.data, ['org.']),
    retry: false,
    queryFn: async () => (await api.get<{ items: { id: string; name: string }[] }>('/org/departments')).items,
  });
  const deptName = c.departmentName ?? dept.data?.find((d) => d.id === c.departmentId)?.name ?? c.departmentId;
  return (
    <Card title={<h2 className="yw-card-title">{t('workbench.case.summary')}</h2>}>
      <Descriptions
        bordered
        size="small"
        column={elder ? { xs: 1, lg: 2 } : { xs: 1, md: 2, xl: 3 }}
        items={[
          { key: 'serial', label: t('workbench.case.serialNo'), children: c.serialNo },
          { key: 'state', label: t('workbench.inbox.state'), children: <StateTag state={c.state} /> },
          {
            key: 'outcome',
            label: t('workbench.case.outcome'),
            children: label(t, 'workbench.outcome', c.outcome),
          },
          { key: 'item', label: t('workbench.case.item'), children: c.itemName },
          {
            key: 'task',
            label: t('workbench.case.taskCode'),
            children: `${c.taskCode} · ${t('workbench.case.version', { n: c.taskVersion })}`,
          },
          { key: 'dept', label: t('workbench.case.department'), children: deptName },
          {
            key: 'promised',
            label: t('workbench.case.promised'),
            children: limitText(t, c.promisedLimit, c.promisedUnit),
          },
          {
            key: 'statutory',
            label: t('workbench.case.statutory'),
            children: limitText(t, c.statutoryLimit, c.statutoryUnit),
          },
          { key: 'created', label: t('workbench.case.createdAt'), children: formatTime(c.createdAt) },
          { key: 'received', label: t('workbench.case.receivedAt'), children: formatTime(c.receivedAt) },
          { key: 'accepted', label: t('workbench.case.acceptedAt'), children: formatTime(c.acceptedAt) },
          { key: 'due', label: t('workbench.case.dueDay'), children: c.dueDay ?? '—' },
          { key: 'statDue', label: t('workbench.case.statutoryDueDay'), children: c.statutoryDueDay ?? '—' },
          { key: 'deadline', label: t('workbench.inbox.deadline'), children: <CaseDeadline c={c} /> },
          {
            key: 'extended',
            label: t('workbench.case.extendedDays'),
            children: c.extendedDays ? t('workbench.unit.workingDays', { n: c.extendedDays }) : t('common.none'),
          },
          ...(c.suspendedSince
            ? [{ key: 'susp', label: t('workbench.case.suspendedSince'), children: formatTime(c.suspendedSince) }]
            : []),
        ]}
      />
      {c.supplement && c.supplement.items.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 16 }}
          title={t('workbench.case.openSupplement', { at: formatTime(c.supplement.requestedAt) })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {c.supplement.items.map((i) => (
                <li key={i.material}>
                  {i.material}
                  {i.note ? t('workbench.fmt.kv', { label: '', value: i.note }) : ''}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Card>
  );
}

/** Applicant name and form data, labelled with the item's form-schema titles; unmasking is audited. */
function Applicant({ c }: { c: CaseView }) {
  const { t, lang } = usePrefs();
  const [clear, setClear] = useState<{ applicantName: string; formData: Record<string, unknown> } | null>(null);
  const [unmaskError, setUnmaskError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const me = useMe();
  const canReadVersions = hasPermission(me.data, ['catalog.manage']);
  const guide = useQuery({
    queryKey: ['catalog', 'item', c.taskCode, c.taskVersion, canReadVersions],
    retry: false,
    // The version the case was filed under (readable with a catalog grant; asking without one would only
    // add a refusal to the audit log), else the newest published version.
    queryFn: async () => {
      const code = encodeURIComponent(c.taskCode);
      if (!canReadVersions) return api.get<ItemGuide>(`/catalog/items/${code}`);
      try {
        return await api.get<ItemGuide>(`/catalog/items/${code}/versions/${c.taskVersion}`);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status >= 500) throw e;
        return api.get<ItemGuide>(`/catalog/items/${code}`);
      }
    },
  });
  const props = guide.data?.formSchema?.properties ?? {};
  const data = clear?.formData ?? c.formData ?? {};
  // Stored schemas do not keep property order (jsonb), so required fields come first, in their listed order.
  const required = (guide.data?.formSchema?.required ?? []).filter((k) => k in props);
  const keys = [
    ...new Set([...required, ...Object.keys(props)].filter((k) => k in data)),
    ...Object.keys(data).filter((k) => !(k in props)),
  ];
  const otherVersion =
    guide.data?.taskVersion != null && guide.data.taskVersion !== c.taskVersion ? guide.data.taskVersion : null;

  const unmask = async () => {
    setBusy(true);
    setUnmaskError(null);
    try {
      const r = await api.post<{ applicantName: string; formData: Record<string, unknown> }>(
        `/cases/${encodeURIComponent(c.id)}/unmask`,
      );
      setClear(r);
      setAsking(false);
    } catch (e) {
      setUnmaskError(errorText(e, lang));
      setAsking(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={<h2 className="yw-card-title">{t('workbench.case.applicantData')}</h2>}
      extra={
        clear ? (
          <Space>
            <Tag color="orange" icon={<UnlockOutlined aria-hidden />}>
              {t('workbench.unmask.shown')}
            </Tag>
            <Button size="small" onClick={() => setClear(null)} icon={<LockOutlined aria-hidden />}>
              {t('workbench.unmask.hide')}
            </Button>
          </Space>
        ) : c.masked ? (
          <Button icon={<EyeOutlined aria-hidden />} onClick={() => setAsking(true)} aria-haspopup="dialog">
            {t('workbench.unmask.button')}
          </Button>
        ) : null
      }
      style={{ height: '100%' }}
    >
      {c.masked && !clear && (
        <Typography.Paragraph type="secondary">
          <LockOutlined aria-hidden /> {t('workbench.unmask.maskedNote')}
        </Typography.Paragraph>
      )}
      {unmaskError && <Alert type="error" showIcon role="alert" title={unmaskError} style={{ marginBottom: 12 }} />}
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          {
            key: '_applicant',
            label: t('workbench.case.applicant'),
            children: clear?.applicantName ?? c.applicantName,
          },
          {
            key: '_type',
            label: t('workbench.case.applicantType'),
            children: label(t, 'workbench.applicantType', c.applicantType),
          },
          ...keys.map((k) => ({ key: k, label: props[k]?.title ?? k, children: valueText(t, data[k]) })),
        ]}
      />
      {otherVersion != null && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('workbench.case.schemaVersion', { shown: otherVersion, filed: c.taskVersion })}
        </Typography.Paragraph>
      )}
      <Modal
        open={asking}
        title={t('workbench.unmask.title')}
        okText={t('workbench.unmask.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => void unmask()}
        onCancel={() => setAsking(false)}
      >
        <Typography.Paragraph>{t('workbench.unmask.explain')}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}

function Progress({ c }: { c: CaseView }) {
  const { t } = usePrefs();
  const steps = c.steps ?? [];
  const cs = c.countersign;
  const procedures = c.procedures ?? [];
  return (
    <Card title={<h2 className="yw-card-title">{t('workbench.case.progress')}</h2>} style={{ height: '100%' }}>
      <h3 className="yw-subtitle">{t('workbench.case.steps')}</h3>
      {steps.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('workbench.case.noSteps')}</Typography.Paragraph>
      ) : (
        <Steps
          orientation="vertical"
          size="small"
          items={steps.map((s, i) => {
            const running = c.state === 'REVIEWING' || c.state === 'SUSPENDED';
            const status = s.done ? 'finish' : running && c.currentStep === i ? 'process' : 'wait';
            return {
              key: `${i}-${s.name}`,
              status,
              title: t('workbench.fmt.paren', { text: s.name, note: t(`workbench.stepStatus.${status}`) }),
              content: s.done ? (
                <span>
                  {label(t, 'workbench.opinion', s.done.opinion)} · {s.done.by ?? '—'} · {formatTime(s.done.at)}
                  {s.done.comment ? ` · ${s.done.comment}` : ''}
                </span>
              ) : s.days != null ? (
                t('workbench.case.stepLimit', { limit: limitText(t, s.days, s.unit ?? 1) })
              ) : undefined,
            };
          })}
        />
      )}
      <h3 className="yw-subtitle">{t('workbench.case.countersign')}</h3>
      {!cs ? (
        <Typography.Paragraph type="secondary">{t('workbench.case.noCountersign')}</Typography.Paragraph>
      ) : (
        <Table<CountersignDept>
          size="small"
          rowKey="departmentId"
          pagination={false}
          dataSource={cs.departments}
          caption={t('workbench.case.countersignSince', { at: formatTime(cs.startedAt) })}
          columns={[
            {
              title: t('workbench.case.department'),
              dataIndex: 'departmentName',
              render: (v: string | null, r) => v ?? r.departmentId,
            },
            {
              title: t('workbench.act.opinion'),
              dataIndex: 'opinion',
              render: (v: string | null) =>
                v ? (
                  <Tag color={v === 'agree' ? 'success' : 'error'}>{label(t, 'workbench.opinion', v)}</Tag>
                ) : (
                  <Tag>{t('workbench.opinion.pending')}</Tag>
                ),
            },
            { title: t('workbench.act.comment'), dataIndex: 'comment', render: (v: string | null) => v || '—' },
            {
              title: t('workbench.case.by'),
              key: 'by',
              render: (_: unknown, r) => (r.by ? `${r.by} · ${formatTime(r.at)}` : '—'),
            },
          ]}
        />
      )}
      <h3 className="yw-subtitle">{t('workbench.case.procedures')}</h3>
      {procedures.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('workbench.case.noProcedures')}</Typography.Paragraph>
      ) : (
        <Table<Procedure>
          size="small"
          rowKey={(p) => `${p.type}-${p.start}`}
          pagination={false}
          dataSource={procedures}
          columns={[
            {
              title: t('workbench.act.procedureType'),
              dataIndex: 'type',
              render: (v: string) => label(t, 'workbench.procedure', v),
            },
            { title: t('workbench.act.reason'), dataIndex: 'reason', render: (v: string | null) => v || '—' },
            { title: t('workbench.case.start'), dataIndex: 'start', render: (v: string | null) => formatTime(v) },
            {
              title: t('workbench.case.end'),
              dataIndex: 'end',
              render: (v: string | null) => (v ? formatTime(v) : t('workbench.case.ongoing')),
            },
          ]}
        />
      )}
    </Card>
  );
}

function Materials({ c }: { c: CaseView }) {
  const { t } = usePrefs();
  const [preview, setPreview] = useState<CaseFile | null>(null);
  const materials = c.materials ?? [];
  return (
    <Card title={<h2 className="yw-card-title">{t('workbench.case.materials')}</h2>}>
      <Table<CaseMaterial>
        rowKey="name"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={materials}
        locale={{ emptyText: <Empty description={t('workbench.case.noMaterials')} /> }}
        columns={[
          { title: t('workbench.case.materialName'), dataIndex: 'name' },
          {
            title: t('workbench.case.required'),
            dataIndex: 'required',
            render: (v: boolean | undefined) => (v === false ? t('common.no') : t('common.yes')),
          },
          {
            title: t('workbench.case.fulfilment'),
            dataIndex: 'fulfilment',
            render: (v: string | undefined) => label(t, 'workbench.fulfilment', v),
          },
          {
            title: t('workbench.case.materialStatus'),
            dataIndex: 'status',
            render: (v: string | undefined, m) => (
              <Space orientation="vertical" size={2}>
                <Tag
                  color={
                    v === 'missing'
                      ? 'error'
                      : v === 'tolerated'
                        ? 'warning'
                        : v === 'supplemented'
                          ? 'blue'
                          : 'success'
                  }
                >
                  {label(t, 'workbench.materialStatus', v)}
                </Tag>
                {m.toleratedUntil && (
                  <span>
                    {t('workbench.case.toleratedUntil', { day: m.toleratedUntil, n: daysUntil(m.toleratedUntil) })}
                  </span>
                )}
              </Space>
            ),
          },
          {
            title: t('workbench.case.files'),
            key: 'files',
            render: (_: unknown, m) =>
              m.fulfilment === 'ECERT' && isEcertEvidence(m.evidence) ? (
                <EcertEvidenceView e={m.evidence} />
              ) : m.fulfilment === 'SHARED_DATA' && isSharedDataEvidence(m.evidence) ? (
                <SharedDataEvidenceView e={m.evidence} />
              ) : m.files?.length ? (
                <Space orientation="vertical" size={4}>
                  {m.files.map((f) => (
                    <Space key={f.id} wrap>
                      <Button
                        size="small"
                        icon={<EyeOutlined aria-hidden />}
                        onClick={() => setPreview(f)}
                        aria-haspopup="dialog"
                        aria-label={t('workbench.file.previewOf', { name: f.name })}
                      >
                        {f.name}
                      </Button>
                      <span>{formatSize(f.size)}</span>
                      <a href={fileUrl(f.id)} target="_blank" rel="noreferrer">
                        {t('workbench.file.open')}
                      </a>
                    </Space>
                  ))}
                </Space>
              ) : m.commitment ? (
                t('workbench.case.commitmentSigned')
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Modal
        open={!!preview}
        title={preview?.name}
        onCancel={() => setPreview(null)}
        footer={
          preview ? (
            <Space>
              <a href={fileUrl(preview.id)} target="_blank" rel="noreferrer">
                {t('workbench.file.open')}
              </a>
              <Button onClick={() => setPreview(null)}>{t('workbench.file.close')}</Button>
            </Space>
          ) : null
        }
        width={900}
        destroyOnHidden
      >
        {preview && <FilePreview f={preview} />}
      </Modal>
    </Card>
  );
}

function daysUntil(day: string): number {
  const target = new Date(`${day}T00:00:00`);
  const now = new Date();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((target.getTime() - today.getTime()) / 86_400_000);
}

function FilePreview({ f }: { f: CaseFile }) {
  const { t } = usePrefs();
  const url = fileUrl(f.id);
  if (f.mime === 'application/pdf')
    return <iframe src={url} title={t('workbench.file.previewOf', { name: f.name })} className="yw-file-frame" />;
  if (f.mime.startsWith('image/'))
    return <img src={url} alt={f.name} style={{ maxWidth: '100%', display: 'block', margin: '0 auto' }} />;
  return <Typography.Paragraph>{t('workbench.file.noPreview')}</Typography.Paragraph>;
}

/** Lines describing the detail of a timeline event (the materials asked for, tolerated, procedure …). */
function eventDetail(t: TFunction, d: Record<string, unknown> | null): string[] {
  if (!d) return [];
  const out: string[] = [];
  const kv = (key: MessageKey, value: string) => t('workbench.fmt.kv', { label: t(key), value });
  const list = (xs: string[]) => xs.join(t('workbench.fmt.listSep'));
  const paren = (text: string, note: string) => t('workbench.fmt.paren', { text, note });
  const names = (v: unknown): string[] =>
    Array.isArray(v)
      ? v.map((x) =>
          typeof x === 'string'
            ? x
            : String(
                (x as { name?: string; departmentName?: string })?.name ??
                  (x as { departmentName?: string })?.departmentName ??
                  '',
              ),
        )
      : [];
  const items = d.supplementItems as { material?: string; note?: string }[] | undefined;
  if (Array.isArray(items) && items.length)
    out.push(
      kv(
        'workbench.act.supplementMaterials',
        list(items.map((i) => (i.note ? paren(i.material ?? '', i.note) : (i.material ?? '')))),
      ),
    );
  const tolerated = d.tolerated as { material?: string; dueDay?: string }[] | undefined;
  if (Array.isArray(tolerated) && tolerated.length)
    out.push(
      kv('workbench.act.toleratedMaterials', list(tolerated.map((i) => paren(i.material ?? '', i.dueDay ?? '')))),
    );
  if (names(d.supplemented).length) out.push(kv('workbench.materialStatus.supplemented', list(names(d.supplemented))));
  if (names(d.provided).length) out.push(kv('workbench.materialStatus.provided', list(names(d.provided))));
  const procedure =
    typeof d.procedure === 'string' ? d.procedure : (d.procedure as { type?: string } | undefined)?.type;
  if (procedure) out.push(kv('workbench.act.procedureType', label(t, 'workbench.procedure', procedure)));
  if (typeof d.pausedWorkingDays === 'number') out.push(t('workbench.case.paused', { n: d.pausedWorkingDays }));
  if (typeof d.extendDays === 'number') out.push(t('workbench.case.extendedBy', { n: d.extendDays }));
  if (typeof d.dueDay === 'string') out.push(kv('workbench.case.dueDay', d.dueDay));
  if (typeof d.step === 'string') out.push(kv('workbench.case.steps', d.step));
  if (typeof d.department === 'string') out.push(kv('workbench.case.department', d.department));
  if (names(d.departments).length) out.push(kv('workbench.act.departments', list(names(d.departments))));
  if (typeof d.opinion === 'string') out.push(kv('workbench.act.opinion', label(t, 'workbench.opinion', d.opinion)));
  if (typeof d.comment === 'string' && d.comment) out.push(kv('workbench.act.comment', d.comment));
  return out;
}

function CaseTimeline({ events, loading }: { events: TimelineEvent[]; loading: boolean }) {
  const { t } = usePrefs();
  if (loading) return <Loading />;
  if (events.length === 0) return <Empty description={t('workbench.case.noEvents')} />;
  return (
    <Timeline
      className="yw-timeline"
      items={events.map((e) => ({
        key: e.seq,
        color: ['refuse', 'deny', 'void', 'return'].includes(e.action)
          ? 'red'
          : e.action === 'approve'
            ? 'green'
            : 'blue',
        title: formatTime(e.at),
        content: (
          <div data-testid="timeline-event" data-action={e.action}>
            <strong>{actionLabel(t, e.action)}</strong>{' '}
            <span>
              {e.fromState && e.fromState !== e.toState ? `${stateLabel(t, e.fromState)} → ` : ''}
              {stateLabel(t, e.toState)}
            </span>
            <div className="yw-muted">{e.actorName ?? t('workbench.case.system')}</div>
            {e.reason && <div>{t('workbench.fmt.kv', { label: t('workbench.act.reason'), value: e.reason })}</div>}
            {eventDetail(t, e.detail).map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        ),
      }))}
    />
  );
}
