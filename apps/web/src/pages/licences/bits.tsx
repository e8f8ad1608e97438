/** Pieces shared by the licence pages: status tags (colour + icon + text), licence facts, data fields. */
import {
  CheckCircleOutlined,
  ClockCircleOutlined,
  CloseCircleOutlined,
  MinusCircleOutlined,
  QuestionCircleOutlined,
  StopOutlined,
  SwapOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Descriptions, Tag } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { type TFunction, usePrefs } from '../../i18n/index.tsx';
import {
  dataKeys,
  dataLabels,
  type EffectiveStatus,
  type LicenceType,
  type LicenceView,
  labelOf,
  typeNameOf,
  validityText,
  valueText,
} from './model.ts';
import './licences.css';

const STATUS_LOOK: Record<string, { color: string; icon: ReactNode }> = {
  valid: { color: 'success', icon: <CheckCircleOutlined aria-hidden /> },
  expired: { color: 'warning', icon: <ClockCircleOutlined aria-hidden /> },
  revoked: { color: 'error', icon: <StopOutlined aria-hidden /> },
  cancelled: { color: 'error', icon: <MinusCircleOutlined aria-hidden /> },
  superseded: { color: 'default', icon: <SwapOutlined aria-hidden /> },
  tampered: { color: 'error', icon: <WarningOutlined aria-hidden /> },
  unknown: { color: 'default', icon: <QuestionCircleOutlined aria-hidden /> },
};

export const statusText = (t: TFunction, s: string) => labelOf(t, 'licences.status', s);

/** The effective status of a licence as a tag: colour, icon and text (never colour alone). */
export function StatusTag({ status }: { status: EffectiveStatus | string }) {
  const { t } = usePrefs();
  const look = STATUS_LOOK[status] ?? { color: 'default', icon: <CloseCircleOutlined aria-hidden /> };
  return (
    <Tag color={look.color} icon={look.icon} data-status={status}>
      {statusText(t, status)}
    </Tag>
  );
}

/** The public list of licence types (labels of data fields, names). */
export function useLicenceTypes() {
  return useQuery({
    queryKey: ['licences', 'types'],
    queryFn: () => api.get<LicenceType[]>('/licences/types'),
    staleTime: 60_000,
  });
}

/** The metadata of one licence (GB/T 36903 fields as the API returns them). */
export function LicenceFacts({ l, linkBase }: { l: LicenceView; linkBase: '/my/licences' | '/workbench/licences' }) {
  const { t, lang, elder } = usePrefs();
  return (
    <Descriptions
      bordered
      size="small"
      column={elder ? 1 : { xs: 1, md: 2 }}
      items={[
        { key: 'type', label: t('licences.f.type'), children: typeNameOf(l, lang) },
        { key: 'status', label: t('licences.f.status'), children: <StatusTag status={l.effectiveStatus} /> },
        {
          key: 'identifier',
          label: t('licences.f.identifier'),
          children: (
            <code className="yw-licence-code" data-testid="licence-identifier">
              {l.identifier}
            </code>
          ),
        },
        { key: 'number', label: t('licences.f.number'), children: l.licenceNumber },
        { key: 'version', label: t('licences.f.version'), children: t('licences.versionN', { n: l.version }) },
        { key: 'typeCode', label: t('licences.f.typeCode'), children: <code>{l.typeCode}</code> },
        { key: 'holder', label: t('licences.f.holderName'), children: l.holderName },
        {
          key: 'holderCode',
          label: labelOf(t, 'licences.codeType', l.holderCodeType) || t('licences.f.holderCode'),
          children: l.holderCodeMasked,
        },
        { key: 'issuer', label: t('licences.f.issuer'), children: l.issuerName },
        { key: 'issuerCode', label: t('licences.f.issuerCode'), children: <code>{l.issuerCode}</code> },
        { key: 'issueDate', label: t('licences.f.issueDate'), children: l.issueDate },
        { key: 'validity', label: t('licences.f.validity'), children: validityText(t, l.validFrom, l.validTo) },
        { key: 'jurisdiction', label: t('licences.f.jurisdiction'), children: l.jurisdictionCode },
        ...(l.taskName
          ? [
              {
                key: 'task',
                label: t('licences.f.task'),
                children:
                  l.caseId && linkBase === '/my/licences' ? (
                    <Link to={`/my/cases/${encodeURIComponent(l.caseId)}`}>{l.taskName}</Link>
                  ) : l.caseId ? (
                    <Link to={`/workbench/cases/${encodeURIComponent(l.caseId)}`}>{l.taskName}</Link>
                  ) : (
                    l.taskName
                  ),
              },
            ]
          : []),
        ...(l.statusReason ? [{ key: 'reason', label: t('licences.f.statusReason'), children: l.statusReason }] : []),
        ...(l.previousId
          ? [
              {
                key: 'previous',
                label: t('licences.f.previous'),
                children: (
                  <Link to={`${linkBase}/${encodeURIComponent(l.previousId)}`}>
                    {t('licences.previousLink', { n: l.version - 1 })}
                  </Link>
                ),
              },
            ]
          : []),
      ]}
    />
  );
}

/** The licence's data (照面信息), labelled by its type. */
export function DataFields({ data, type }: { data: Record<string, unknown>; type: LicenceType | undefined }) {
  const { t, lang } = usePrefs();
  const labels = dataLabels(type, lang);
  const keys = dataKeys(type, data);
  if (!keys.length) return <p>{t('licences.noData')}</p>;
  return (
    <Descriptions
      bordered
      size="small"
      column={1}
      items={keys.map((k) => ({ key: k, label: labels[k] ?? k, children: valueText(t, data[k]) }))}
    />
  );
}
