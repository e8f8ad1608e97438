/** /workbench/evaluations — rectification tasks of bad ratings within the caller's scopes, and the statistics. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Checkbox, Col, Form, Row, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import {
  EVAL_KEY,
  levelKey,
  RECTIFY_STATES,
  type RectificationSummary,
  type RectifyState,
  STATE_COLORS,
  stateKey,
} from './model.ts';
import { EvaluationStatsCard } from './StatsCard.tsx';

interface PageOf<T> {
  items: T[];
  total: number;
}

export function RectifyStateTag({ state }: { state: RectifyState }) {
  const { t } = usePrefs();
  return <Tag color={STATE_COLORS[state]}>{t(stateKey(state))}</Tag>;
}

export default function EvaluationsPage() {
  const { t, lang } = usePrefs();
  const [state, setState] = useState<RectifyState | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({
    queryKey: [...EVAL_KEY, 'rectifications', state, overdue, page, pageSize],
    queryFn: () =>
      api.get<PageOf<RectificationSummary>>('/evaluations/rectifications', {
        state,
        overdue: overdue || undefined,
        page,
        pageSize,
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 26 }}>
        {t('onestop.eval.workbenchTitle')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('onestop.eval.list')}</h2>}>
            <Form layout="inline" className="yw-toolbar">
              <Form.Item label={t('onestop.eval.state')} htmlFor="eval-state">
                <Select
                  id="eval-state"
                  allowClear
                  style={{ width: 200 }}
                  value={state}
                  onChange={(v) => {
                    setState(v);
                    setPage(1);
                  }}
                  options={RECTIFY_STATES.map((s) => ({ value: s, label: t(stateKey(s)) }))}
                />
              </Form.Item>
              <Form.Item>
                <Checkbox
                  checked={overdue}
                  onChange={(e) => {
                    setOverdue(e.target.checked);
                    setPage(1);
                  }}
                >
                  {t('onestop.eval.onlyOverdue')}
                </Checkbox>
              </Form.Item>
            </Form>
            {list.isError && (
              <Alert type="error" showIcon title={errorText(list.error, lang)} style={{ marginBottom: 16 }} />
            )}
            <Table<RectificationSummary>
              rowKey="id"
              size="small"
              loading={list.isFetching}
              dataSource={list.data?.items ?? []}
              scroll={{ x: 'max-content' }}
              pagination={{
                current: page,
                pageSize,
                total: list.data?.total ?? 0,
                showSizeChanger: true,
                showTotal: (n) => t('common.total', { n }),
                onChange: (p, s) => {
                  setPage(p);
                  setPageSize(s);
                },
              }}
              columns={[
                { title: t('onestop.eval.serialNo'), dataIndex: 'serialNo' },
                { title: t('onestop.eval.item'), dataIndex: 'itemName' },
                {
                  title: t('onestop.eval.department'),
                  dataIndex: 'departmentName',
                  render: (v: string | null, r) => v ?? r.departmentId,
                },
                { title: t('onestop.eval.level'), dataIndex: 'level', render: (n: number) => t(levelKey(n)) },
                {
                  title: t('onestop.eval.state'),
                  dataIndex: 'state',
                  render: (s: RectifyState, r) => (
                    <Space size={4} wrap>
                      <RectifyStateTag state={s} />
                      {r.overdue && <Tag color="red">{t('onestop.eval.overdue')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('onestop.eval.dueDay'),
                  dataIndex: 'dueDay',
                  render: (d: string, r) => (r.round > 1 ? `${d}（${t('onestop.eval.round', { n: r.round })}）` : d),
                },
                {
                  title: t('onestop.eval.createdAt'),
                  dataIndex: 'createdAt',
                  render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm'),
                },
                {
                  title: t('common.actions'),
                  key: 'open',
                  render: (_, r) => (
                    <Link to={`/workbench/evaluations/${encodeURIComponent(r.id)}`}>
                      {t('onestop.eval.open')}
                      <span className="yw-sr-only"> {r.serialNo}</span>
                    </Link>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={24}>
          <EvaluationStatsCard />
        </Col>
      </Row>
    </>
  );
}
