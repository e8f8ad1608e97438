/** /services/power-list — the power list (权力清单) and the responsibility list (责任清单), views of the catalog. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Input, Select, Space, Table, Tabs, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

interface PowerItem {
  taskCode: string;
  catalogCode: string;
  name: string;
  taskType: string;
  taskTypeName: string | null;
  departmentId: string;
  departmentName: string;
  regionCode: string;
  legalBasis: string | null;
}

interface Responsibility {
  link: 'accept' | 'review' | 'decide' | 'deliver';
  name: string;
  nameEn: string;
  content: string;
  contentEn: string;
  steps: { name: string; days: number; unit: number; role: string | null }[];
}

interface ResponsibilityItem {
  taskCode: string;
  name: string;
  taskType: string;
  taskTypeName: string | null;
  departmentId: string;
  departmentName: string;
  legalBasis: string | null;
  duties: string | null;
  responsibilities: Responsibility[];
  accountability: string | null;
}

const POWER_TYPES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'];
const PAGE_SIZE = 20;

interface Filters {
  q?: string;
  taskType?: string;
  departmentId?: string;
}

function FilterBar({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = usePrefs();
  // departments that hold powers, from the whole list
  const all = useQuery({
    queryKey: ['catalog', 'power-list', 'departments'],
    queryFn: () => api.get<{ items: PowerItem[] }>('/catalog/power-list', { pageSize: 200 }),
    staleTime: 5 * 60_000,
  });
  const departments = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of all.data?.items ?? []) m.set(i.departmentId, i.departmentName);
    return [...m].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'zh'));
  }, [all.data]);
  return (
    <Space wrap>
      <Input.Search
        aria-label={t('catalogAdmin.power.search')}
        placeholder={t('catalogAdmin.power.search')}
        allowClear
        enterButton={t('common.search')}
        style={{ width: 300 }}
        onSearch={(q) => onChange({ ...value, q: q.trim() || undefined })}
      />
      <Select
        aria-label={t('catalogAdmin.power.type')}
        placeholder={t('catalogAdmin.power.type')}
        allowClear
        style={{ width: 180 }}
        value={value.taskType}
        onChange={(taskType) => onChange({ ...value, taskType })}
        options={POWER_TYPES.map((c) => ({ value: c, label: t(`catalogAdmin.taskType.${c}` as MessageKey) }))}
      />
      <Select
        aria-label={t('catalogAdmin.department')}
        placeholder={t('catalogAdmin.department')}
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        style={{ width: 240 }}
        value={value.departmentId}
        onChange={(departmentId) => onChange({ ...value, departmentId })}
        options={departments}
      />
    </Space>
  );
}

function PowerTab() {
  const { t, lang } = usePrefs();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['catalog', 'power-list', filters, page],
    queryFn: () =>
      api.get<{ items: PowerItem[]; total: number }>('/catalog/power-list', { ...filters, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <FilterBar
        value={filters}
        onChange={(f) => {
          setFilters(f);
          setPage(1);
        }}
      />
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
      <Table<PowerItem>
        rowKey="taskCode"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { n }),
        }}
        columns={[
          { title: t('catalogAdmin.power.code'), dataIndex: 'taskCode' },
          {
            title: t('catalogAdmin.name'),
            dataIndex: 'name',
            render: (v: string, it) => <Link to={`/services/${it.taskCode}`}>{v}</Link>,
          },
          {
            title: t('catalogAdmin.power.type'),
            dataIndex: 'taskType',
            render: (c: string) => t(`catalogAdmin.taskType.${c}` as MessageKey),
          },
          { title: t('catalogAdmin.department'), dataIndex: 'departmentName' },
          {
            title: t('catalogAdmin.legalBasis'),
            dataIndex: 'legalBasis',
            render: (v: string | null) => v ?? t('common.none'),
          },
        ]}
      />
    </Space>
  );
}

function ResponsibilityTab() {
  const { t, lang } = usePrefs();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['catalog', 'responsibility-list', filters, page],
    queryFn: () =>
      api.get<{ items: ResponsibilityItem[]; total: number }>('/catalog/responsibility-list', {
        ...filters,
        page,
        pageSize: PAGE_SIZE,
      }),
    placeholderData: keepPreviousData,
  });
  const unit = (u: number) => t(`services.unit${u}` as MessageKey);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <FilterBar
        value={filters}
        onChange={(f) => {
          setFilters(f);
          setPage(1);
        }}
      />
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
      <Table<ResponsibilityItem>
        rowKey="taskCode"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { n }),
        }}
        expandable={{
          expandRowByClick: false,
          expandedRowRender: (it) => (
            <Card size="small">
              <Descriptions column={1} size="small" bordered>
                <Descriptions.Item label={t('catalogAdmin.duties')}>
                  {it.duties ?? t('catalogAdmin.power.notFilled')}
                </Descriptions.Item>
                {it.responsibilities.map((r) => (
                  <Descriptions.Item key={r.link} label={lang === 'en' ? r.nameEn : r.name}>
                    <div>{lang === 'en' ? r.contentEn : r.content}</div>
                    {r.steps.length ? (
                      <Typography.Text type="secondary">
                        {t('common.labelColon', { label: t('catalogAdmin.power.steps') })}
                        {r.steps.map((s) => `${s.name}（${s.days} ${unit(s.unit)}）`).join('、')}
                      </Typography.Text>
                    ) : null}
                  </Descriptions.Item>
                ))}
                <Descriptions.Item label={t('catalogAdmin.legalBasis')}>
                  {it.legalBasis ?? t('common.none')}
                </Descriptions.Item>
                <Descriptions.Item label={t('catalogAdmin.accountability')}>
                  {it.accountability ?? t('catalogAdmin.power.notFilled')}
                </Descriptions.Item>
              </Descriptions>
            </Card>
          ),
        }}
        columns={[
          {
            title: t('catalogAdmin.name'),
            dataIndex: 'name',
            render: (v: string, it) => <Link to={`/services/${it.taskCode}`}>{v}</Link>,
          },
          {
            title: t('catalogAdmin.power.type'),
            dataIndex: 'taskType',
            render: (c: string) => t(`catalogAdmin.taskType.${c}` as MessageKey),
          },
          { title: t('catalogAdmin.department'), dataIndex: 'departmentName' },
          {
            title: t('catalogAdmin.duties'),
            dataIndex: 'duties',
            render: (v: string | null) => v ?? t('catalogAdmin.power.notFilled'),
          },
        ]}
      />
    </Space>
  );
}

export default function PowerListPage() {
  const { t } = usePrefs();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/services">{t('services.back')}</Link>
      <Typography.Title level={1} className="yw-page-title">
        {t('catalogAdmin.power.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('catalogAdmin.power.intro')}</Typography.Paragraph>
      <Tabs
        items={[
          { key: 'power', label: t('catalogAdmin.power.tabPower'), children: <PowerTab /> },
          { key: 'responsibility', label: t('catalogAdmin.power.tabResponsibility'), children: <ResponsibilityTab /> },
        ]}
      />
    </Space>
  );
}
