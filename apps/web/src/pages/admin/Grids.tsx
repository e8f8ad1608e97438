import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Space,
  Table,
} from 'antd';
import { MapChart } from 'echarts/charts';
import { TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo, useState } from 'react';
import { api, applyFormError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { type Page, PageTitle } from './common.tsx';

echarts.use([MapChart, TooltipComponent, VisualMapComponent, CanvasRenderer]);

interface Polygon {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface Grid {
  code: string;
  name: string;
  divisionCode: string;
  polygon: Polygon | null;
  workerStaffId: string | null;
}

let mapSeq = 0;

function GridMap({ items }: { items: Grid[] }) {
  const { t } = usePrefs();
  const { option, count, seq } = useMemo(() => {
    const features = items
      .filter((g) => g.polygon?.type === 'Polygon' && Array.isArray(g.polygon.coordinates))
      .map((g) => ({ type: 'Feature', properties: { name: g.name, code: g.code }, geometry: g.polygon }));
    // Re-register 'grids' for each data set; the chart is remounted (key) so it never draws a stale map.
    mapSeq += 1;
    const mapName = 'grids';
    if (features.length) echarts.registerMap(mapName, { type: 'FeatureCollection', features } as any);
    return {
      seq: mapSeq,
      count: features.length,
      option: {
        tooltip: { trigger: 'item', formatter: (p: { name: string }) => p.name },
        series: [
          {
            type: 'map',
            map: mapName,
            roam: true,
            label: { show: true, color: '#1f1f1f', fontSize: 12 },
            itemStyle: { areaColor: '#d6e4ff', borderColor: '#0958d9', borderWidth: 1.5 },
            emphasis: { itemStyle: { areaColor: '#91caff' }, label: { color: '#000' } },
            data: features.map((f) => ({ name: f.properties.name, value: 1 })),
          },
        ],
      },
    };
  }, [items]);

  if (count === 0) return <Empty description={t('grids.noPolygons')} />;
  return (
    <figure style={{ margin: 0 }}>
      <ReactEChartsCore key={seq} echarts={echarts} option={option} notMerge className="yw-map" />
      <figcaption className="yw-sr-only">{t('grids.mapCaption', { n: count })}</figcaption>
    </figure>
  );
}

function LocateCard() {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm();
  const [result, setResult] = useState<{ grid: { code: string; name: string; divisionCode: string } | null } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onFinish = async (v: { lng: number; lat: number }) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.get('/org/grids/locate', { lng: v.lng, lat: v.lat }));
    } catch (e) {
      setResult(null);
      setError(applyFormError(form, e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h2 className="yw-card-title">{t('grids.locate')}</h2>} style={{ height: '100%' }}>
      <Form name="gridLocate" form={form} layout="inline" onFinish={onFinish}>
        <Form.Item label={t('grids.lng')} name="lng" rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={-180} max={180} step={0.0001} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('grids.lat')} name="lat" rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={-90} max={90} step={0.0001} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={busy}>
            {t('grids.locateSubmit')}
          </Button>
        </Form.Item>
      </Form>
      <div aria-live="polite" style={{ marginTop: 16 }}>
        {error && <Alert type="error" showIcon title={error} />}
        {result &&
          (result.grid ? (
            <Alert
              type="success"
              showIcon
              title={t('grids.locateFound', {
                name: result.grid.name,
                code: result.grid.code,
                division: result.grid.divisionCode,
              })}
            />
          ) : (
            <Alert type="info" showIcon title={t('grids.locateNone')} />
          ))}
      </div>
    </Card>
  );
}

export default function GridsPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [filters, setFilters] = useState<{ divisionCode?: string; q?: string }>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  const grids = useQuery({
    queryKey: ['grids', filters, page, pageSize],
    queryFn: () => api.get<Page<Grid>>('/org/grids', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const create = async (v: { code: string; name: string; divisionCode?: string; polygon: string }) => {
    setBusy(true);
    try {
      await api.post('/org/grids', {
        code: v.code.trim(),
        name: v.name.trim(),
        ...(v.divisionCode?.trim() ? { divisionCode: v.divisionCode.trim() } : {}),
        polygon: JSON.parse(v.polygon),
      });
      message.success(t('common.saved'));
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['grids'] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('admin.menu.grids')}</PageTitle>
      <Form
        name="gridFilter"
        layout="inline"
        className="yw-toolbar"
        onFinish={(v: { divisionCode?: string; q?: string }) => {
          setPage(1);
          setFilters({ divisionCode: v.divisionCode?.trim() || undefined, q: v.q?.trim() || undefined });
        }}
      >
        <Form.Item label={t('grids.divisionCode')} name="divisionCode">
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={t('common.keyword')} name="q">
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit">{t('common.search')}</Button>
            <Button type="primary" onClick={() => setOpen(true)}>
              {t('grids.create')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {grids.isError && (
        <Alert type="error" showIcon title={errorText(grids.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={<h2 className="yw-card-title">{t('grids.list')}</h2>}>
            <Table<Grid>
              rowKey="code"
              size="small"
              loading={grids.isFetching}
              dataSource={grids.data?.items ?? []}
              pagination={{
                current: page,
                pageSize,
                total: grids.data?.total ?? 0,
                showSizeChanger: true,
                onChange: (p, s) => {
                  setPage(p);
                  setPageSize(s);
                },
              }}
              columns={[
                { title: t('grids.code'), dataIndex: 'code' },
                { title: t('grids.name'), dataIndex: 'name' },
                { title: t('grids.divisionCode'), dataIndex: 'divisionCode' },
                {
                  title: t('grids.worker'),
                  dataIndex: 'workerStaffId',
                  render: (v: string | null) => v ?? t('common.none'),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={<h2 className="yw-card-title">{t('grids.map')}</h2>}>
            <GridMap items={grids.data?.items ?? []} />
          </Card>
        </Col>
        <Col span={24}>
          <LocateCard />
        </Col>
      </Row>
      <Modal
        open={open}
        title={t('grids.create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
        width={640}
      >
        <Form name="gridCreate" form={form} layout="vertical" onFinish={create}>
          <Form.Item
            label={t('grids.code')}
            name="code"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^\d{15}$/, message: t('grids.codeInvalid') },
            ]}
          >
            <Input inputMode="numeric" maxLength={15} />
          </Form.Item>
          <Form.Item
            label={t('grids.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('grids.divisionCode')} name="divisionCode" extra={t('grids.divisionHelp')}>
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item
            label={t('grids.polygon')}
            name="polygon"
            extra={t('grids.polygonHelp')}
            rules={[
              { required: true, message: t('form.required') },
              {
                validator: async (_, value?: string) => {
                  if (!value) return;
                  let g: any;
                  try {
                    g = JSON.parse(value);
                  } catch {
                    throw new Error(t('grids.polygonInvalid'));
                  }
                  if (g?.type !== 'Polygon' || !Array.isArray(g.coordinates))
                    throw new Error(t('grids.polygonInvalid'));
                },
              },
            ]}
          >
            <Input.TextArea rows={6} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
