/** /workbench/licences — 证照管理: licences of the departments the staff member issues for or reads (holders masked). */
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorText } from '../../api.ts';
import { hasPermission, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { StatusTag, statusText, useLicenceTypes } from './bits.tsx';
import { type LicenceStatus, type LicenceView, licenceTypeName, typeNameOf } from './model.ts';

const STATUSES: LicenceStatus[] = ['valid', 'revoked', 'cancelled', 'superseded'];

interface Filters {
  q?: string;
  status?: LicenceStatus;
  typeId?: string;
}

export default function StaffLicencesPage() {
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  const me = useMe();
  const canIssue = hasPermission(me.data, ['licences.issue']);
  const types = useLicenceTypes();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({
    queryKey: ['licences', 'staff', filters, page, pageSize],
    queryFn: () => api.get<{ items: LicenceView[]; total: number }>('/licences', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <Link to="/workbench">
        <ArrowLeftOutlined aria-hidden /> {t('licences.staff.backToWorkbench')}
      </Link>
      <Typography.Title level={1} style={{ fontSize: 26, marginTop: 12 }}>
        {t('licences.staff.title')}
      </Typography.Title>
      <Form<Filters>
        name="licenceFilter"
        layout="inline"
        className="yw-toolbar"
        onFinish={(v) => {
          setPage(1);
          setFilters({ q: v.q?.trim() || undefined, status: v.status, typeId: v.typeId });
        }}
      >
        <Form.Item label={t('common.keyword')} name="q">
          <Input allowClear style={{ width: 220 }} placeholder={t('licences.staff.qHint')} />
        </Form.Item>
        <Form.Item label={t('licences.staff.statusFilter')} name="status">
          <Select
            allowClear
            style={{ width: 160 }}
            options={STATUSES.map((s) => ({ value: s, label: statusText(t, s) }))}
          />
        </Form.Item>
        <Form.Item label={t('licences.staff.typeFilter')} name="typeId">
          <Select
            allowClear
            style={{ width: 220 }}
            options={(types.data ?? []).map((ty) => ({ value: ty.id, label: licenceTypeName(ty, lang) }))}
          />
        </Form.Item>
        <Form.Item>
          <Space wrap>
            <Button htmlType="submit">{t('common.search')}</Button>
            {canIssue ? (
              <Button
                type="primary"
                icon={<PlusOutlined aria-hidden />}
                onClick={() => navigate('/workbench/licences/new')}
              >
                {t('licences.issue.button')}
              </Button>
            ) : null}
          </Space>
        </Form.Item>
      </Form>
      {list.error ? (
        <Alert type="error" showIcon title={errorText(list.error, lang)} style={{ marginBottom: 16 }} />
      ) : null}
      <Table<LicenceView>
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('licences.staff.empty') }}
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
          {
            title: t('licences.f.number'),
            dataIndex: 'licenceNumber',
            render: (v: string, l) => (
              <Link
                to={`/workbench/licences/${encodeURIComponent(l.id)}`}
                aria-label={t('licences.staff.openOf', { number: v })}
              >
                {v}
              </Link>
            ),
          },
          { title: t('licences.f.type'), key: 'type', render: (_: unknown, l) => typeNameOf(l, lang) },
          { title: t('licences.f.holderName'), dataIndex: 'holderName' },
          { title: t('licences.f.holderCode'), dataIndex: 'holderCodeMasked' },
          { title: t('licences.f.issuer'), dataIndex: 'issuerName' },
          { title: t('licences.f.issueDate'), dataIndex: 'issueDate' },
          {
            title: t('licences.f.validTo'),
            dataIndex: 'validTo',
            render: (v: string | null) => v ?? t('licences.validity.longTerm'),
          },
          {
            title: t('licences.f.version'),
            dataIndex: 'version',
            render: (n: number) => t('licences.versionN', { n }),
          },
          {
            title: t('licences.f.status'),
            dataIndex: 'effectiveStatus',
            render: (s: string) => <StatusTag status={s} />,
          },
        ]}
      />
    </>
  );
}
