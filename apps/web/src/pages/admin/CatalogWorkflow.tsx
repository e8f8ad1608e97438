/**
 * Workflow editor of an item: its review steps (name, handling role, days + unit, countersigning
 * departments) inside the case state REVIEWING, drawn with the fixed case lifecycle as an ECharts
 * graph that follows every edit. Rendered inside the item editor's antd Form (Form.List "steps").
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { GraphChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { type DepartmentOption, type RoleOption, type Step, UNIT_CODES, useCodeNames } from './CatalogShared.tsx';

echarts.use([GraphChart, TooltipComponent, LegendComponent, CanvasRenderer]);

/**
 * The case lifecycle (domain reference §2), drawn only: the cases module owns the state machine,
 * and the web app imports nothing of the server.
 */
const MAIN = [
  'DRAFT',
  'SUBMITTED',
  'PRE_REVIEW',
  'RECEIVED',
  'ACCEPTED',
  'REVIEWING',
  'DECIDED',
  'COMPLETED',
  'DELIVERED',
];
const SIDE: { state: string; from: string[]; back?: boolean; x: number; y: number }[] = [
  { state: 'SUPPLEMENT_NOTICE', from: ['RECEIVED'], back: true, x: 2.6, y: -1.1 },
  { state: 'NOT_ACCEPTED', from: ['RECEIVED'], x: 3.6, y: -1.1 },
  { state: 'SUSPENDED', from: ['REVIEWING'], back: true, x: 5, y: -1.1 },
  { state: 'WITHDRAWN', from: [], x: 0.5, y: -2 },
  { state: 'VOIDED', from: [], x: 1.5, y: -2 },
];
const DX = 130;
const DY = 90;

export interface StepRow extends Step {
  countersign: string[];
}

function useWorkflowOption(steps: StepRow[], roles: RoleOption[], departments: DepartmentOption[]) {
  const { t, lang } = usePrefs();
  const names = useCodeNames();
  return useMemo(() => {
    const state = (s: string) => t(`catalogAdmin.state.${s}` as MessageKey);
    const roleName = (code?: string | null) => {
      const r = roles.find((x) => x.code === code);
      return r ? (lang === 'en' && r.nameEn ? r.nameEn : r.name) : (code ?? '');
    };
    const depName = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
    // distinct shapes as well as colours (roundRect, rect, roundRect with border, diamond)
    const categories = [
      { name: t('catalogAdmin.workflow.legendMain'), itemStyle: { color: '#0958d9' } },
      {
        name: t('catalogAdmin.workflow.legendSide'),
        itemStyle: { color: '#fff7e6', borderColor: '#d46b08', borderWidth: 1 },
      },
      { name: t('catalogAdmin.workflow.legendStep'), itemStyle: { color: '#237804' } },
      { name: t('catalogAdmin.workflow.legendCountersign'), itemStyle: { color: '#722ed1' } },
    ];
    const light = { color: '#fff' };
    const dark = { color: '#262626' };
    const nodes: Record<string, unknown>[] = [];
    const links: Record<string, unknown>[] = [];
    MAIN.forEach((s, i) => {
      nodes.push({
        id: s,
        name: state(s),
        x: i * DX,
        y: 0,
        category: 0,
        symbol: 'roundRect',
        symbolSize: [84, 30],
        label: light,
        value: s,
      });
      if (i > 0) links.push({ source: MAIN[i - 1], target: s });
    });
    for (const side of SIDE) {
      nodes.push({
        id: side.state,
        name: state(side.state),
        x: side.x * DX,
        y: side.y * DY,
        category: 1,
        symbol: 'rect',
        symbolSize: [84, 26],
        label: dark,
        value: side.state,
        tooltip: side.from.length ? undefined : { formatter: t('catalogAdmin.workflow.beforeDecision') },
      });
      for (const f of side.from) {
        links.push({ source: f, target: side.state, lineStyle: { type: 'dashed' } });
        if (side.back) links.push({ source: side.state, target: f, lineStyle: { type: 'dashed', curveness: 0.3 } });
      }
    }
    // the review steps, in order, under REVIEWING
    const reviewing = MAIN.indexOf('REVIEWING') * DX;
    const n = steps.length;
    steps.forEach((s, i) => {
      const id = `step-${i}`;
      const x = reviewing + (i - (n - 1) / 2) * DX;
      const label = [s.name || t('catalogAdmin.workflow.unnamed'), `${s.days ?? 0} ${names.unit(s.unit ?? 1)}`].join(
        '\n',
      );
      nodes.push({
        id,
        name: label,
        x,
        y: 1.8 * DY,
        category: 2,
        symbol: 'roundRect',
        symbolSize: [84, 38],
        label: light,
        tooltip: {
          formatter: `${label.replace('\n', ' · ')}<br/>${roleName(s.role) || t('catalogAdmin.workflow.noRole')}`,
        },
      });
      links.push({ source: i === 0 ? 'REVIEWING' : `step-${i - 1}`, target: id });
      (s.countersign ?? []).forEach((d, k) => {
        const cid = `${id}-cs-${k}`;
        nodes.push({
          id: cid,
          name: depName(d),
          x: x + (k - ((s.countersign?.length ?? 1) - 1) / 2) * 60,
          y: 3 * DY + k * 16,
          category: 3,
          symbol: 'diamond',
          symbolSize: 14,
          label: { position: 'bottom', color: '#391085' },
        });
        links.push({ source: id, target: cid, lineStyle: { type: 'dotted' } });
      });
    });
    if (n) links.push({ source: `step-${n - 1}`, target: 'DECIDED' });
    return {
      tooltip: { trigger: 'item' },
      legend: { data: categories.map((c) => c.name), top: 0 },
      animation: false,
      series: [
        {
          type: 'graph',
          layout: 'none',
          roam: true,
          top: 40,
          categories,
          data: nodes,
          links,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 8,
          label: { show: true, fontSize: 11, lineHeight: 14 },
          labelLayout: { hideOverlap: false },
          lineStyle: { color: '#888', width: 1.2 },
          emphasis: { focus: 'adjacency' },
        },
      ],
    };
  }, [steps, roles, departments, t, lang, names]);
}

/** A sentence of the whole flow for screen readers (the chart is a picture). */
function useFlowText(steps: StepRow[], roles: RoleOption[]) {
  const { t } = usePrefs();
  const names = useCodeNames();
  const main = MAIN.map((s) => t(`catalogAdmin.state.${s}` as MessageKey)).join(' → ');
  const review = steps
    .map(
      (s) =>
        `${s.name}（${roles.find((r) => r.code === s.role)?.name ?? s.role ?? '—'}，${s.days} ${names.unit(s.unit)}）`,
    )
    .join(' → ');
  return t('catalogAdmin.workflow.aria', { main, review: review || t('common.none') });
}

export function WorkflowEditor({
  form,
  roles,
  departments,
  visible,
}: {
  form: FormInstance;
  roles: RoleOption[];
  departments: DepartmentOption[];
  /** The chart is drawn only while its tab shows (ECharts cannot lay out a graph in a hidden, zero-size box). */
  visible: boolean;
}) {
  const { t, lang } = usePrefs();
  const names = useCodeNames();
  const watched = Form.useWatch('steps', form) as StepRow[] | undefined;
  const promisedLimit = Form.useWatch('promisedLimit', form) as number | undefined;
  const promisedUnit = Form.useWatch('promisedUnit', form) as number | undefined;
  const steps = useMemo(() => (watched ?? []).filter(Boolean), [watched]);
  const option = useWorkflowOption(steps, roles, departments);
  const flowText = useFlowText(steps, roles);
  const workingDays = steps.filter((s) => s.unit === 1).reduce((n, s) => n + (Number(s.days) || 0), 0);
  const over = promisedUnit === 1 && typeof promisedLimit === 'number' && workingDays > promisedLimit;
  const roleOptions = roles.map((r) => ({ value: r.code, label: lang === 'en' && r.nameEn ? r.nameEn : r.name }));
  const depOptions = departments.map((d) => ({ value: d.id, label: d.name }));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('catalogAdmin.workflow.intro')}</Typography.Paragraph>
      <Card size="small" title={<h3 className="yw-card-title">{t('catalogAdmin.workflow.diagram')}</h3>}>
        <div role="img" aria-label={flowText} style={{ height: 420 }}>
          {visible ? (
            <ReactEChartsCore
              echarts={echarts}
              option={option}
              notMerge
              style={{ height: 420, width: '100%' }}
              className="yw-workflow-chart"
            />
          ) : null}
        </div>
      </Card>
      <Form.List name="steps">
        {(rows, { add, remove, move }) => (
          <>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={rows}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('catalogAdmin.workflow.noSteps') }}
              columns={[
                { title: '#', key: 'n', width: 40, render: (_, __, i) => i + 1 },
                {
                  title: t('catalogAdmin.workflow.stepName'),
                  key: 'name',
                  render: (_, r, i) => (
                    <Form.Item
                      name={[r.name, 'name']}
                      rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                      style={{ margin: 0 }}
                    >
                      <Input aria-label={t('catalogAdmin.workflow.stepNameN', { n: i + 1 })} style={{ width: 130 }} />
                    </Form.Item>
                  ),
                },
                {
                  title: t('catalogAdmin.workflow.role'),
                  key: 'role',
                  render: (_, r, i) => (
                    <Form.Item name={[r.name, 'role']} style={{ margin: 0 }}>
                      <Select
                        allowClear
                        aria-label={t('catalogAdmin.workflow.roleN', { n: i + 1 })}
                        options={roleOptions}
                        style={{ width: 150 }}
                      />
                    </Form.Item>
                  ),
                },
                {
                  title: t('catalogAdmin.workflow.days'),
                  key: 'days',
                  render: (_, r, i) => (
                    <Form.Item
                      name={[r.name, 'days']}
                      rules={[{ required: true, message: t('form.required') }]}
                      style={{ margin: 0 }}
                    >
                      <InputNumber
                        min={0}
                        precision={0}
                        aria-label={t('catalogAdmin.workflow.daysN', { n: i + 1 })}
                        style={{ width: 80 }}
                      />
                    </Form.Item>
                  ),
                },
                {
                  title: t('catalogAdmin.workflow.unit'),
                  key: 'unit',
                  render: (_, r, i) => (
                    <Form.Item name={[r.name, 'unit']} style={{ margin: 0 }}>
                      <Select
                        aria-label={t('catalogAdmin.workflow.unitN', { n: i + 1 })}
                        options={UNIT_CODES.map((u) => ({ value: u, label: names.unit(u) }))}
                        style={{ width: 100 }}
                      />
                    </Form.Item>
                  ),
                },
                {
                  title: t('catalogAdmin.workflow.countersign'),
                  key: 'countersign',
                  render: (_, r, i) => (
                    <Form.Item name={[r.name, 'countersign']} style={{ margin: 0 }}>
                      <Select
                        mode="multiple"
                        allowClear
                        showSearch={{ optionFilterProp: 'label' }}
                        aria-label={t('catalogAdmin.workflow.countersignN', { n: i + 1 })}
                        options={depOptions}
                        style={{ minWidth: 220 }}
                      />
                    </Form.Item>
                  ),
                },
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_, r, i) => {
                    const label = steps[i]?.name || String(i + 1);
                    return (
                      <Space size={4}>
                        <Button
                          size="small"
                          icon={<ArrowUpOutlined />}
                          disabled={i === 0}
                          onClick={() => move(i, i - 1)}
                          aria-label={t('catalogAdmin.moveUpLabel', { name: label })}
                        />
                        <Button
                          size="small"
                          icon={<ArrowDownOutlined />}
                          disabled={i === rows.length - 1}
                          onClick={() => move(i, i + 1)}
                          aria-label={t('catalogAdmin.moveDownLabel', { name: label })}
                        />
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(r.name)}
                          aria-label={t('catalogAdmin.removeLabel', { name: label })}
                        />
                      </Space>
                    );
                  },
                },
              ]}
            />
            <Space wrap>
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ name: '', days: 1, unit: 1, role: null, countersign: [] })}
              >
                {t('catalogAdmin.workflow.add')}
              </Button>
              <Typography.Text>
                {t('catalogAdmin.workflow.total', { n: workingDays, limit: promisedLimit ?? '—' })}
              </Typography.Text>
            </Space>
            {over ? (
              <Alert
                type="warning"
                showIcon
                title={t('catalogAdmin.workflow.over', { n: workingDays, limit: promisedLimit })}
              />
            ) : null}
          </>
        )}
      </Form.List>
    </Space>
  );
}
