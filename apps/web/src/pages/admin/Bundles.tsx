/** /admin/bundles — the bundle (一件事) definitions, whatever their status, with publish and withdraw. */

import { WarningOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import type { BundleField, BundleMaterial, Scenario } from '../bundles/model.ts';
import { type Page, PageTitle } from './common.tsx';

export type BundleStatus = 'draft' | 'published' | 'withdrawn';

/** GET /bundles/admin/definitions (docs/cases-api.md "Bundles"). */
export interface BundleDefinition {
  code: string;
  name: string;
  nameEn: string;
  description: string | null;
  theme: string;
  leadDepartmentId: string;
  applicantTypes: ('person' | 'enterprise')[];
  scenarios: Scenario[];
  members: { taskCode: string; condition?: { scenario: string; equals: boolean } | null; dependsOn?: string[] }[];
  form: BundleField[];
  materials: BundleMaterial[];
  jointDeadlineDays: number;
  status: BundleStatus;
  updatedAt: string;
  cases: number;
  /** What stands in the way of publishing or applying in the current catalog (e.g. a member cancelled). */
  problems: BundleProblem[];
}

export interface BundleProblem {
  field: string;
  messageZh: string;
  messageEn: string;
}

/** A definition's problems as a warning tag whose tooltip (and accessible name) lists them. */
export function ProblemsTag({ problems }: { problems: BundleProblem[] }) {
  const { t, lang } = usePrefs();
  if (!problems.length) return null;
  const text = problems.map((p) => (lang === 'en' ? p.messageEn : p.messageZh)).join('; ');
  return (
    <Tooltip title={text}>
      <Tag
        color="red"
        icon={<WarningOutlined />}
        aria-label={`${t('bundlesAdmin.problems', { n: problems.length })}: ${text}`}
        tabIndex={0}
      >
        {t('bundlesAdmin.problems', { n: problems.length })}
      </Tag>
    </Tooltip>
  );
}

export const definitionsKey = ['bundles', 'admin', 'definitions'] as const;

/** Status as a word (never colour alone). */
export function BundleStatusTag({ status }: { status: BundleStatus }) {
  const { t } = usePrefs();
  const color = status === 'published' ? 'green' : status === 'withdrawn' ? 'default' : 'gold';
  return <Tag color={color}>{t(`bundlesAdmin.status.${status}` as MessageKey)}</Tag>;
}

/** Publish or withdraw, as a button; withdrawing asks first. */
export function StatusButton({ def, onDone }: { def: BundleDefinition; onDone?: (d: BundleDefinition) => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const publish = def.status !== 'published';
  const run = async () => {
    setBusy(true);
    try {
      const d = await api.post<BundleDefinition>(
        `/bundles/admin/definitions/${encodeURIComponent(def.code)}/${publish ? 'publish' : 'withdraw'}`,
      );
      message.success(t(publish ? 'bundlesAdmin.published' : 'bundlesAdmin.withdrawn'));
      await qc.invalidateQueries({ queryKey: ['bundles'] });
      onDone?.(d);
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const label = `${t(publish ? 'bundlesAdmin.publish' : 'bundlesAdmin.withdraw')} ${def.name}`;
  if (publish)
    return (
      <Button size="small" type="primary" loading={busy} onClick={run} aria-label={label}>
        {t('bundlesAdmin.publish')}
      </Button>
    );
  return (
    <Popconfirm
      title={t('bundlesAdmin.withdrawConfirm')}
      onConfirm={run}
      okText={t('common.yes')}
      cancelText={t('common.no')}
    >
      <Button size="small" danger loading={busy} aria-label={label}>
        {t('bundlesAdmin.withdraw')}
      </Button>
    </Popconfirm>
  );
}

export default function BundlesAdminPage() {
  const { t, lang } = usePrefs();
  const defs = useQuery({
    queryKey: definitionsKey,
    queryFn: () => api.get<Page<BundleDefinition>>('/bundles/admin/definitions'),
  });
  return (
    <>
      <PageTitle>{t('admin.menu.bundles')}</PageTitle>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
        {t('bundlesAdmin.intro')}
      </Typography.Paragraph>
      <Space className="yw-toolbar">
        <Link to="/admin/bundles/new">
          <Button type="primary">{t('bundlesAdmin.create')}</Button>
        </Link>
      </Space>
      {defs.isError && <Alert type="error" showIcon title={errorText(defs.error, lang)} style={{ marginBottom: 16 }} />}
      <Table<BundleDefinition>
        rowKey="code"
        loading={defs.isFetching}
        dataSource={defs.data?.items ?? []}
        locale={{ emptyText: t('bundlesAdmin.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('bundlesAdmin.code'), dataIndex: 'code' },
          {
            title: t('bundlesAdmin.name'),
            dataIndex: 'name',
            render: (name: string, d) => (
              <Link to={`/admin/bundles/${encodeURIComponent(d.code)}`}>{lang === 'en' ? d.nameEn : name}</Link>
            ),
          },
          { title: t('bundlesAdmin.theme'), dataIndex: 'theme' },
          {
            title: t('bundlesAdmin.status'),
            dataIndex: 'status',
            render: (s: BundleStatus, d) => (
              <Space size={4} wrap>
                <BundleStatusTag status={s} />
                <ProblemsTag problems={d.problems} />
              </Space>
            ),
          },
          { title: t('bundlesAdmin.memberCount'), key: 'members', render: (_, d) => d.members.length },
          { title: t('bundlesAdmin.jointDeadline'), dataIndex: 'jointDeadlineDays' },
          { title: t('bundlesAdmin.cases'), dataIndex: 'cases' },
          {
            title: t('bundlesAdmin.updatedAt'),
            dataIndex: 'updatedAt',
            render: (v: string) => new Date(v).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, d) => (
              <Space>
                <Link to={`/admin/bundles/${encodeURIComponent(d.code)}`} aria-label={`${t('common.edit')} ${d.name}`}>
                  {t('common.edit')}
                </Link>
                <StatusButton def={d} />
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
