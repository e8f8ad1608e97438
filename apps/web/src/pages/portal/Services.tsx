import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  List,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, errorText } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

// The catalog API's own types (type-only: nothing of the server is bundled).
type ItemSummary = import('@yiwang/catalog').ItemSummary;
type Guide = import('@yiwang/catalog').CatalogItem;

const PAGE_SIZE = 10;

function useLimit() {
  const { t } = usePrefs();
  // A promise of 0 is an immediate item (即办件), not "0 working days".
  return (n: number, unit: number) =>
    n === 0 ? t('services.immediate') : `${n} ${t(`services.unit${unit}` as MessageKey)}`;
}

type ServiceObject = 'person' | 'enterprise';

/** The themes (life events included) of published items with their counts (GET /catalog/themes). */
export function useThemes() {
  return useQuery({
    queryKey: ['catalog', 'themes'],
    queryFn: () => api.get<{ items: { theme: string; count: number }[] }>('/catalog/themes'),
    staleTime: 5 * 60_000,
  });
}

/**
 * /services — search the published service items by keyword, pinyin or initials, and filter by theme
 * (life events included), implementing department and applicant type. The filters live in the URL
 * (`q`, `theme`, `department`, `for`, `page`), so the home page links to a theme and a search, and a
 * result list can be bookmarked or shared.
 */
export function ServicesPage() {
  const { t, lang } = usePrefs();
  const limit = useLimit();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const theme = params.get('theme') ?? undefined;
  const departmentId = params.get('department') ?? undefined;
  const forParam = params.get('for');
  const serviceObject: ServiceObject | undefined =
    forParam === 'person' || forParam === 'enterprise' ? forParam : undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  /** Changes filters; any change but paging goes back to page 1. */
  const change = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    if (!('page' in patch)) next.delete('page');
    setParams(next);
  };
  const themes = useThemes();
  const departments = useQuery({
    queryKey: ['catalog', 'departments'],
    queryFn: () => api.get<{ items: { id: string; name: string; count: number }[] }>('/catalog/departments'),
    staleTime: 5 * 60_000,
  });
  const items = useQuery({
    queryKey: ['catalog', 'items', q, theme ?? '', departmentId ?? '', serviceObject ?? '', page],
    queryFn: () =>
      api.get<{ items: ItemSummary[]; total: number }>('/catalog/items', {
        q: q || undefined,
        theme,
        departmentId,
        serviceObject,
        page,
        pageSize: PAGE_SIZE,
      }),
  });

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} className="yw-page-title">
        {t('services.title')}
      </Typography.Title>
      <Space wrap size="large">
        <Link to="/bundles">{t('bundles.servicesLink')}</Link>
        <Link to="/services/power-list">{t('catalogAdmin.power.link')}</Link>
      </Space>
      <Segmented
        aria-label={t('services.for')}
        value={serviceObject ?? 'all'}
        onChange={(v) => change({ for: v === 'all' ? undefined : String(v) })}
        options={[
          { value: 'all', label: t('services.for.all') },
          { value: 'person', label: t('services.for.person') },
          { value: 'enterprise', label: t('services.for.enterprise') },
        ]}
      />
      <Space wrap>
        <Input.Search
          key={q}
          aria-label={t('services.search')}
          placeholder={t('services.searchPlaceholder')}
          allowClear
          defaultValue={q}
          enterButton={t('services.search')}
          style={{ width: 420, maxWidth: '100%' }}
          onSearch={(v) => change({ q: v.trim() || undefined })}
        />
        <Select
          aria-label={t('services.theme')}
          placeholder={t('services.theme')}
          allowClear
          style={{ minWidth: 200 }}
          value={theme}
          onChange={(v) => change({ theme: v })}
          options={(themes.data?.items ?? []).map((x) => ({ value: x.theme, label: `${x.theme}（${x.count}）` }))}
        />
        <Select
          aria-label={t('services.departmentFilter')}
          placeholder={t('services.departmentFilter')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ minWidth: 240 }}
          value={departmentId}
          onChange={(v) => change({ department: v })}
          options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.name}（${d.count}）` }))}
        />
      </Space>
      {items.error ? <Alert type="error" showIcon message={errorText(items.error, lang)} /> : null}
      <List
        loading={items.isLoading}
        dataSource={items.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('services.empty')} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: items.data?.total ?? 0,
          onChange: (n) => change({ page: n > 1 ? String(n) : undefined }),
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { n }),
        }}
        renderItem={(it) => (
          <List.Item key={it.taskCode}>
            {/* Own markup instead of List.Item.Meta, whose title is an h4 under the page's h1. */}
            <div className="yw-item">
              <h2 className="yw-item-title">
                <Link to={`/services/${it.taskCode}`}>{it.name}</Link>
              </h2>
              <div className="yw-item-desc">
                <Space wrap size={[8, 4]}>
                  <span>{it.departmentName}</span>
                  <span>
                    {t('common.pair', {
                      label: t('services.promised'),
                      value: limit(it.promisedLimit, it.promisedUnit),
                    })}
                  </span>
                  <span>{t('services.visits', { n: it.visitsRequired })}</span>
                  {it.isOnline ? <Tag color="green">{t('services.online')}</Tag> : null}
                  {it.themes.map((x) => (
                    <Tag key={x}>{x}</Tag>
                  ))}
                </Space>
              </div>
            </div>
          </List.Item>
        )}
      />
    </Space>
  );
}

/**
 * 在线办理: signed-in person/enterprise accounts go to the application form; signed-out visitors are sent
 * to sign in first (the apply page redirects with returnTo); staff accounts see no button.
 */
function ApplyButton({ guide }: { guide: Guide }) {
  const { t } = usePrefs();
  const navigate = useNavigate();
  const me = useMe();
  const type = me.data?.account.type;
  if (!guide.isOnline || me.isPending || type === 'staff') return null;
  const offered = !type || !guide.serviceObject.length || guide.serviceObject.includes(type);
  return (
    <Space wrap>
      <Button
        type="primary"
        size="large"
        disabled={!offered}
        onClick={() => navigate(`/services/${encodeURIComponent(guide.taskCode)}/apply`)}
      >
        {me.data ? t('apply.applyOnline') : t('apply.loginToApply')}
      </Button>
      {offered ? null : <Typography.Text type="secondary">{t('apply.notForType')}</Typography.Text>}
    </Space>
  );
}

/** /services/:taskCode — the handling guide (办事指南) of one item. */
export function ServiceGuidePage() {
  const { t, lang } = usePrefs();
  const limit = useLimit();
  const { taskCode = '' } = useParams();
  const guide = useQuery({
    queryKey: ['catalog', 'item', taskCode],
    queryFn: () => api.get<Guide>(`/catalog/items/${encodeURIComponent(taskCode)}`),
    retry: false,
  });
  if (guide.isLoading) return <Card loading />;
  if (guide.error || !guide.data)
    return (
      <Alert
        type="error"
        showIcon
        message={guide.error ? errorText(guide.error, lang) : t('common.loadFailed')}
        action={<Link to="/services">{t('services.back')}</Link>}
      />
    );
  const g = guide.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/services">{t('services.back')}</Link>
      <Typography.Title level={1} className="yw-page-title">
        {g.name}
      </Typography.Title>
      <ApplyButton guide={g} />
      <Descriptions bordered column={{ xs: 1, md: 2 }} size="small">
        <Descriptions.Item label={t('services.department')}>{g.departmentName}</Descriptions.Item>
        <Descriptions.Item label={t('services.taskCode')}>
          {g.taskCode}（{t('services.version', { n: g.taskVersion })}）
        </Descriptions.Item>
        <Descriptions.Item label={t('services.statutory')}>
          {limit(g.statutoryLimit, g.statutoryUnit)}
        </Descriptions.Item>
        <Descriptions.Item label={t('services.promised')}>{limit(g.promisedLimit, g.promisedUnit)}</Descriptions.Item>
        <Descriptions.Item label={t('services.visitsLabel')}>{g.visitsRequired}</Descriptions.Item>
        <Descriptions.Item label={t('services.fee')}>
          {g.fee.isFee ? g.fee.items.map((f) => `${f.name} ${f.standard}`).join('；') : t('services.free')}
        </Descriptions.Item>
        <Descriptions.Item label={t('services.conditions')} span={2}>
          {g.conditions ?? t('common.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('services.legalBasis')} span={2}>
          {g.legalBasis ?? t('common.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('services.address')} span={2}>
          {g.address ?? t('common.none')}
          {g.officeHours ? `；${g.officeHours}` : ''}
          {g.contact ? `；${g.contact}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Card title={t('services.materials')}>
        <Table
          rowKey="name"
          pagination={false}
          dataSource={g.materials}
          columns={[
            { title: t('services.materialName'), dataIndex: 'name' },
            {
              title: t('services.materialType'),
              dataIndex: 'type',
              render: (v: string) => t(`services.material.${v}` as MessageKey),
            },
            {
              title: t('services.fulfilment'),
              dataIndex: 'fulfilment',
              render: (v: string) =>
                v === 'UPLOAD' || v === 'COMMITMENT' || v === 'ECERT' ? t(`services.fulfilment.${v}` as MessageKey) : v,
            },
            {
              title: t('services.required'),
              dataIndex: 'required',
              render: (v: boolean) => (v ? t('common.yes') : t('common.no')),
            },
          ]}
        />
      </Card>
      <Card title={t('services.steps')}>
        <ol>
          {g.steps.map((s) => (
            <li key={s.name}>
              {s.name}（{limit(s.days, s.unit)}）
            </li>
          ))}
        </ol>
      </Card>
      <Card title={t('services.results')}>{g.results.map((r) => r.name).join('、') || t('common.none')}</Card>
      {g.faqs.length ? (
        <Card title={t('services.faqs')}>
          <dl>
            {g.faqs.map((f) => (
              <div key={f.q}>
                <dt>
                  <strong>{f.q}</strong>
                </dt>
                <dd>{f.a}</dd>
              </div>
            ))}
          </dl>
        </Card>
      ) : null}
    </Space>
  );
}
