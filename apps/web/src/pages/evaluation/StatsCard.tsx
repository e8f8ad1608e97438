/** Rating statistics (GET /evaluations/stats): totals, satisfaction rate, a bar chart per level, per department. */
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, DatePicker, Form, Space, Statistic, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useState } from 'react';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { EVAL_KEY, type EvaluationStats, INDICATORS, indicatorKey, LEVELS, levelKey } from './model.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

const LEVEL_COLORS: Record<number, string> = {
  5: '#237804',
  4: '#52c41a',
  3: '#faad14',
  2: '#fa541c',
  1: '#a8071a',
};

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export function EvaluationStatsCard() {
  const { t, lang } = usePrefs();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const from = range?.[0]?.format('YYYY-MM-DD');
  const to = range?.[1]?.format('YYYY-MM-DD');
  const q = useQuery({
    queryKey: [...EVAL_KEY, 'stats', from, to],
    queryFn: () => api.get<EvaluationStats>('/evaluations/stats', { from, to }),
  });
  const s = q.data;
  const labels = LEVELS.map((n) => t(levelKey(n)));
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        // Each bar is labelled with its count, so the levels do not depend on colour.
        label: { show: true, position: 'top' },
        data: LEVELS.map((n) => ({
          value: s?.byLevel[String(n) as '1'] ?? 0,
          itemStyle: { color: LEVEL_COLORS[n] },
        })),
      },
    ],
  };

  return (
    <Card title={<h2 className="yw-card-title">{t('onestop.eval.stats')}</h2>}>
      <Form layout="inline" className="yw-toolbar">
        <Form.Item label={`${t('onestop.eval.from')} – ${t('onestop.eval.to')}`} htmlFor="eval-stats-range">
          <DatePicker.RangePicker
            id={{ start: 'eval-stats-range' }}
            aria-label={`${t('onestop.eval.from')} – ${t('onestop.eval.to')}`}
            value={range}
            onChange={(v) => setRange(v)}
            allowEmpty={[true, true]}
          />
        </Form.Item>
      </Form>
      {q.isError && <Alert type="error" showIcon title={errorText(q.error, lang)} />}
      {s && (
        <>
          <Space size="large" wrap style={{ marginBottom: 16 }}>
            <Statistic title={t('onestop.eval.total')} value={s.total} />
            <Statistic title={t('onestop.eval.satisfactionRate')} value={pct(s.satisfactionRate)} />
            <Statistic title={t('onestop.eval.averageLevel')} value={s.averageLevel ?? '—'} />
            <Statistic title={t('onestop.eval.excludedCount')} value={s.excluded} />
            {INDICATORS.map((k) => (
              <Statistic key={k} title={t(indicatorKey(k))} value={s.indicators[k] ?? '—'} />
            ))}
          </Space>
          <figure style={{ margin: 0 }}>
            <figcaption className="yw-sr-only">
              {t('onestop.eval.chartLabel')}:{' '}
              {LEVELS.map((n) => `${t(levelKey(n))} ${s.byLevel[String(n) as '1']}`).join(', ')}
            </figcaption>
            <div role="img" aria-label={t('onestop.eval.chartLabel')}>
              <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 260 }} />
            </div>
          </figure>
          <Table
            size="small"
            rowKey="departmentId"
            title={() => t('onestop.eval.byDepartment')}
            dataSource={s.departments}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: t('onestop.eval.noData') }}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('onestop.eval.department'),
                dataIndex: 'departmentName',
                render: (v: string | null, r) => v ?? r.departmentId,
              },
              { title: t('onestop.eval.total'), dataIndex: 'total' },
              { title: t('onestop.eval.satisfactionRate'), dataIndex: 'satisfactionRate', render: pct },
              { title: t('onestop.eval.averageLevel'), dataIndex: 'averageLevel' },
              { title: t('onestop.eval.openRect'), dataIndex: 'openRectifications' },
              { title: t('onestop.eval.overdueRect'), dataIndex: 'overdueRectifications' },
            ]}
          />
        </>
      )}
    </Card>
  );
}
