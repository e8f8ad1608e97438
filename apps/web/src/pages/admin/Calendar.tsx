/**
 * /admin/calendar — the working-day calendar of a year as a month grid: statutory holidays (休)
 * and make-up workdays (班) are marked by word and colour; a day is changed in a dialog, and the
 * whole year is saved at once (PUT /calendar/{year}, permission calendar.manage).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { put } from './CatalogShared.tsx';
import { PageTitle } from './common.tsx';
import './calendar.css';

type Kind = 'holiday' | 'workday';
interface Day {
  day: string;
  kind: Kind;
  name: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
/** Monday = 0 … Sunday = 6 */
const weekday = (day: string) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function Month({
  year,
  month,
  special,
  onPick,
}: {
  year: number;
  month: number;
  special: Map<string, Day>;
  onPick: (day: string) => void;
}) {
  const { t } = usePrefs();
  const first = weekday(dayOf(year, month, 1));
  // blank cells before the 1st and after the last day carry their own keys
  const cells: { key: string; day: string | null }[] = [];
  for (let b = 0; b < first; b++) cells.push({ key: `lead${b}`, day: null });
  for (let d = 1; d <= daysIn(year, month); d++) {
    const day = dayOf(year, month, d);
    cells.push({ key: day, day });
  }
  for (let b = 0; cells.length % 7; b++) cells.push({ key: `tail${b}`, day: null });
  const weeks: { key: string; day: string | null }[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const heads = [0, 1, 2, 3, 4, 5, 6].map((i) => t(`catalogAdmin.calendar.wd${i}` as MessageKey));
  return (
    <Card
      size="small"
      title={<h2 className="yw-card-title">{t(`catalogAdmin.calendar.month${month}` as MessageKey)}</h2>}
    >
      <table className="yw-cal">
        <thead>
          <tr>
            {heads.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w[0].key}>
              {w.map(({ key, day }, i) => {
                if (!day) return <td key={key} />;
                const s = special.get(day);
                const weekend = i >= 5;
                const off = s ? s.kind === 'holiday' : weekend;
                const state = s
                  ? s.kind === 'holiday'
                    ? t('catalogAdmin.calendar.holiday')
                    : t('catalogAdmin.calendar.workday')
                  : off
                    ? t('catalogAdmin.calendar.weekend')
                    : t('catalogAdmin.calendar.normal');
                return (
                  <td key={day}>
                    <button
                      type="button"
                      className={`yw-cal-day${s ? ` yw-cal-${s.kind}` : weekend ? ' yw-cal-weekend' : ''}`}
                      aria-label={`${day} ${state}${s ? ` ${s.name}` : ''}`}
                      title={s ? s.name : state}
                      onClick={() => onPick(day)}
                    >
                      <span>{Number(day.slice(8))}</span>
                      {s ? (
                        <small aria-hidden="true">
                          {s.kind === 'holiday'
                            ? t('catalogAdmin.calendar.markHoliday')
                            : t('catalogAdmin.calendar.markWorkday')}
                        </small>
                      ) : null}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export default function CalendarPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const [days, setDays] = useState<Map<string, Day>>(new Map());
  const [dirty, setDirty] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ kind: Kind | 'normal'; name: string }>();

  // From October on, deadlines reach into next year: say so while its holidays are not entered.
  const thisYear = new Date().getFullYear();
  const lateInYear = new Date().getMonth() >= 9;
  const nextYear = useQuery({
    queryKey: ['calendar', thisYear + 1],
    queryFn: () => api.get<{ year: number; days: Day[] }>(`/calendar/${thisYear + 1}`),
    enabled: lateInYear,
  });
  const nextYearMissing = lateInYear && nextYear.data?.days.length === 0;
  const cal = useQuery({
    queryKey: ['calendar', year],
    queryFn: () => api.get<{ year: number; days: Day[] }>(`/calendar/${year}`),
  });
  useEffect(() => {
    if (cal.data) {
      setDays(new Map(cal.data.days.map((d) => [d.day, d])));
      setDirty(false);
    }
  }, [cal.data]);

  const list = useMemo(() => [...days.values()].sort((a, b) => a.day.localeCompare(b.day)), [days]);
  const holidays = list.filter((d) => d.kind === 'holiday').length;
  const workdays = list.length - holidays;

  const pick = (day: string) => {
    const s = days.get(day);
    form.setFieldsValue({ kind: s?.kind ?? 'normal', name: s?.name ?? '' });
    setPicked(day);
  };

  const apply = (v: { kind: Kind | 'normal'; name: string }) => {
    if (!picked) return;
    const next = new Map(days);
    if (v.kind === 'normal') next.delete(picked);
    else next.set(picked, { day: picked, kind: v.kind, name: v.name.trim() });
    setDays(next);
    setDirty(true);
    setPicked(null);
  };

  const remove = (day: string) => {
    const next = new Map(days);
    next.delete(day);
    setDays(next);
    setDirty(true);
  };

  const save = async () => {
    setBusy(true);
    try {
      const r = await put<{ days: number; workingDays: number }>(`/calendar/${year}`, { days: list });
      message.success(t('catalogAdmin.calendar.saved', { n: r.days, w: r.workingDays }));
      setDirty(false);
      void qc.invalidateQueries({ queryKey: ['calendar', year] });
    } catch (e) {
      message.error(
        e instanceof ApiError && e.status === 403 ? t('catalogAdmin.calendar.forbidden') : errorText(e, lang),
      );
    } finally {
      setBusy(false);
    }
  };

  const changeYear = (y: number | null) => {
    if (!y) return;
    if (dirty && !window.confirm(t('catalogAdmin.calendar.discard'))) return;
    setYear(y);
  };

  const kind = Form.useWatch('kind', form);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageTitle>{t('catalogAdmin.calendar.title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('catalogAdmin.calendar.intro')}</Typography.Paragraph>
      <Space wrap>
        <label htmlFor="yw-cal-year">{t('catalogAdmin.calendar.year')}</label>
        <InputNumber id="yw-cal-year" min={2000} max={2100} value={year} onChange={changeYear} />
        <Button onClick={() => changeYear(year - 1)}>{t('catalogAdmin.calendar.prevYear')}</Button>
        <Button onClick={() => changeYear(year + 1)}>{t('catalogAdmin.calendar.nextYear')}</Button>
        <Button type="primary" onClick={() => void save()} loading={busy} disabled={!dirty}>
          {t('catalogAdmin.calendar.save')}
        </Button>
        <Typography.Text>{t('catalogAdmin.calendar.summary', { h: holidays, w: workdays })}</Typography.Text>
        {dirty ? <Tag color="orange">{t('catalogAdmin.calendar.unsaved')}</Tag> : null}
      </Space>
      <Space wrap aria-hidden="true" className="yw-cal-legend">
        <span className="yw-cal-day yw-cal-holiday">
          <span>1</span>
          <small>{t('catalogAdmin.calendar.markHoliday')}</small>
        </span>
        {t('catalogAdmin.calendar.holiday')}
        <span className="yw-cal-day yw-cal-workday">
          <span>1</span>
          <small>{t('catalogAdmin.calendar.markWorkday')}</small>
        </span>
        {t('catalogAdmin.calendar.workday')}
        <span className="yw-cal-day yw-cal-weekend">
          <span>1</span>
        </span>
        {t('catalogAdmin.calendar.weekend')}
      </Space>
      {nextYearMissing ? (
        <Alert
          type="warning"
          showIcon
          title={t('catalogAdmin.calendar.nextYearMissing', { year: thisYear + 1 })}
          action={
            year !== thisYear + 1 ? (
              <Button size="small" onClick={() => changeYear(thisYear + 1)}>
                {t('catalogAdmin.calendar.openYear', { year: thisYear + 1 })}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      {cal.isError ? <Alert type="error" showIcon title={errorText(cal.error, lang)} /> : null}
      {cal.data && cal.data.days.length === 0 && !dirty ? (
        <Alert type="info" showIcon title={t('catalogAdmin.calendar.emptyYear', { year })} />
      ) : null}
      <Row gutter={[16, 16]}>
        {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
          <Col key={m} xs={24} sm={12} lg={8} xl={6}>
            <Month year={year} month={m} special={days} onPick={pick} />
          </Col>
        ))}
      </Row>
      <Card title={<h2 className="yw-card-title">{t('catalogAdmin.calendar.listTitle')}</h2>}>
        <Table<Day>
          rowKey="day"
          size="small"
          dataSource={list}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('catalogAdmin.calendar.day'), dataIndex: 'day' },
            {
              title: t('catalogAdmin.calendar.kind'),
              dataIndex: 'kind',
              render: (k: Kind) => (
                <Tag color={k === 'holiday' ? 'red' : 'blue'}>
                  {k === 'holiday' ? t('catalogAdmin.calendar.holiday') : t('catalogAdmin.calendar.workday')}
                </Tag>
              ),
            },
            { title: t('catalogAdmin.calendar.name'), dataIndex: 'name' },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, d) => (
                <Space>
                  <Button
                    size="small"
                    onClick={() => pick(d.day)}
                    aria-label={t('catalogAdmin.calendar.editDay', { day: d.day })}
                  >
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('catalogAdmin.calendar.removeConfirm', { day: d.day })}
                    onConfirm={() => remove(d.day)}
                  >
                    <Button size="small" danger aria-label={t('catalogAdmin.calendar.removeDay', { day: d.day })}>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={picked !== null}
        title={t('catalogAdmin.calendar.dialogTitle', { day: picked ?? '' })}
        onCancel={() => setPicked(null)}
        onOk={() => form.submit()}
        forceRender
      >
        <Form form={form} layout="vertical" name="calendarDay" onFinish={apply}>
          <Form.Item label={t('catalogAdmin.calendar.kind')} name="kind">
            <Radio.Group
              options={[
                { value: 'normal', label: t('catalogAdmin.calendar.normalRule') },
                { value: 'holiday', label: t('catalogAdmin.calendar.holiday') },
                { value: 'workday', label: t('catalogAdmin.calendar.workday') },
              ]}
            />
          </Form.Item>
          <Form.Item
            label={t('catalogAdmin.calendar.name')}
            name="name"
            rules={[
              {
                required: kind !== 'normal',
                whitespace: true,
                message: t('form.required'),
              },
              { max: 50 },
            ]}
          >
            <Input disabled={kind === 'normal'} placeholder={t('catalogAdmin.calendar.namePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
