/**
 * ECERT in the one-stop pages: a material provided by one of the applicant's electronic licences
 * (the select in the application form), its evidence on a case, and the licence a case issues.
 */
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Select, Space, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { hasPermission, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import {
  type CaseIssue,
  dateTime,
  type EcertEvidence,
  type LicenceView,
  labelOf,
  typeNameOf,
  verifyPath,
} from './model.ts';

interface EcertProps {
  name: string;
  typeCode: string | null | undefined;
  value: string | null | undefined;
  onChange: (identifier: string | null) => void;
  /** The upload control, always accepted instead. */
  upload: ReactNode;
  hasFiles: boolean;
  disabled?: boolean;
}

/** "由电子证照提供": a select of the applicant's valid licences of the material's type, or upload instead. */
export function EcertMaterial({ name, typeCode, value, onChange, upload, hasFiles, disabled }: EcertProps) {
  const { t, lang } = usePrefs();
  const mine = useQuery({
    queryKey: ['licences', 'mine', typeCode ?? ''],
    queryFn: () => api.get<LicenceView[]>('/licences/mine', { typeCode: typeCode ?? undefined }),
    enabled: !!typeCode,
    retry: false,
  });
  const valid = (mine.data ?? []).filter((l) => l.effectiveStatus === 'valid');
  const only = valid.length === 1 ? valid[0] : undefined;
  // One valid licence of the type: chosen for the applicant once (still shown, and can be cleared).
  const picked = useRef(false);
  useEffect(() => {
    if (picked.current || !only) return;
    picked.current = true;
    if (!value && !hasFiles && !disabled) onChange(only.identifier);
  }, [only, value, hasFiles, disabled, onChange]);
  const chosen = valid.find((l) => l.identifier === value);
  const selectId = `yw-ecert-${name}`;

  if (mine.isLoading) return <Typography.Paragraph>{t('common.loading')}</Typography.Paragraph>;
  const none = !valid.length;
  return (
    <div className="yw-ecert">
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        <SafetyCertificateOutlined aria-hidden /> {t('licences.ecert.provided')}
      </Typography.Paragraph>
      {mine.error ? (
        <Alert type="error" showIcon title={errorText(mine.error, lang)} style={{ marginBottom: 8 }} />
      ) : null}
      {none && !mine.error ? (
        <Alert type="info" showIcon title={t('licences.ecert.none', { name })} style={{ marginBottom: 8 }} />
      ) : null}
      {!none ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <label htmlFor={selectId}>{t('licences.ecert.choose', { name })}</label>
          <Select
            id={selectId}
            allowClear
            disabled={disabled}
            value={value ?? undefined}
            onChange={(v?: string) => onChange(v ?? null)}
            placeholder={t('licences.ecert.placeholder')}
            style={{ width: '100%', maxWidth: 640 }}
            options={valid.map((l) => ({
              value: l.identifier,
              label: t('licences.ecert.option', {
                type: typeNameOf(l, lang),
                number: l.licenceNumber,
                issuer: l.issuerName,
                until: l.validTo ?? t('licences.validity.longTerm'),
              }),
            }))}
          />
          {chosen ? (
            <Typography.Text type="secondary">
              {t('licences.ecert.chosen', { identifier: chosen.identifier })}{' '}
              <Link to={`/my/licences/${encodeURIComponent(chosen.id)}`} target="_blank">
                {t('licences.ecert.view')}
              </Link>
            </Typography.Text>
          ) : null}
        </Space>
      ) : null}
      <details className="yw-upload-instead" open={none || hasFiles}>
        <summary>{none ? t('licences.ecert.uploadNone') : t('licences.ecert.uploadInstead')}</summary>
        {upload}
      </details>
    </div>
  );
}

/** The evidence of an ECERT material on a case, instead of files. */
export function EcertEvidenceView({ e }: { e: EcertEvidence }) {
  const { t } = usePrefs();
  return (
    <Space orientation="vertical" size={2} data-testid="ecert-evidence">
      <span>
        <SafetyCertificateOutlined aria-hidden /> {e.typeName ?? t('licences.ecert.licence')}
        {e.licenceNumber ? ` · ${e.licenceNumber}` : ''}
      </span>
      {e.issuerName ? <span>{t('licences.ecert.issuer', { issuer: e.issuerName })}</span> : null}
      {e.identifier ? (
        <Link
          to={verifyPath(e.identifier)}
          target="_blank"
          aria-label={t('licences.ecert.verifyOf', { identifier: e.identifier })}
        >
          <code className="yw-licence-code">{e.identifier}</code>
        </Link>
      ) : null}
      <span>
        <Tag color={e.status === 'valid' ? 'success' : 'default'}>
          {labelOf(t, 'licences.status', e.status ?? 'unknown')}
        </Tag>
        {e.at ? t('licences.ecert.checkedAt', { at: dateTime(e.at) }) : null}
      </span>
    </Space>
  );
}

/** The licence issuance of an approved case (pending / issued / failed); staff may retry a failed one. */
export function CaseLicence({ caseId, staff }: { caseId: string; staff?: boolean }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const me = useMe();
  const canRetry = !!staff && hasPermission(me.data, ['licences.issue']);
  const [busy, setBusy] = useState(false);
  const issue = useQuery({
    queryKey: ['licences', 'case', caseId],
    queryFn: () => api.get<CaseIssue | null>(`/licences/cases/${encodeURIComponent(caseId)}`),
    retry: false,
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? 3000 : false),
  });
  if (issue.error instanceof ApiError && (issue.error.status === 403 || issue.error.status === 404)) return null;
  if (!issue.data && !issue.error) return null;

  const retry = async () => {
    setBusy(true);
    try {
      const r = await api.post<CaseIssue>(`/licences/cases/${encodeURIComponent(caseId)}/retry`);
      qc.setQueryData(['licences', 'case', caseId], r);
      message.success(t('licences.case.retried'));
    } catch (e) {
      message.error(errorText(e, lang));
      void issue.refetch();
    } finally {
      setBusy(false);
    }
  };

  const d = issue.data;
  const base = staff ? '/workbench/licences' : '/my/licences';
  return (
    <Card title={<h2 className="yw-card-title">{t('licences.case.title')}</h2>} data-testid="case-licence">
      {issue.error ? <Alert type="error" showIcon title={errorText(issue.error, lang)} /> : null}
      {d ? (
        <Descriptions
          bordered
          size="small"
          column={1}
          items={[
            {
              key: 'status',
              label: t('licences.case.status'),
              children: (
                <Tag color={d.status === 'issued' ? 'success' : d.status === 'failed' ? 'error' : 'processing'}>
                  {labelOf(t, 'licences.case.state', d.status)}
                </Tag>
              ),
            },
            ...(d.status === 'pending'
              ? [{ key: 'pending', label: t('licences.case.note'), children: t('licences.case.pendingNote') }]
              : []),
            ...(d.status === 'issued' && d.licenceId
              ? [
                  {
                    key: 'licence',
                    label: t('licences.case.licence'),
                    children: (
                      <Space wrap>
                        <Link to={`${base}/${encodeURIComponent(d.licenceId)}`}>
                          {staff ? t('licences.case.openStaff') : t('licences.case.openWallet')}
                        </Link>
                        {d.identifier ? (
                          <Link to={verifyPath(d.identifier)}>{t('licences.detail.verifyPage')}</Link>
                        ) : null}
                      </Space>
                    ),
                  },
                ]
              : []),
            ...(d.status === 'failed'
              ? [
                  {
                    key: 'error',
                    label: t('licences.case.error'),
                    children: (
                      <Space orientation="vertical">
                        <span role="alert">{d.error ?? t('licences.case.failedNote')}</span>
                        {canRetry ? (
                          <Button type="primary" loading={busy} onClick={() => void retry()}>
                            {t('licences.case.retry')}
                          </Button>
                        ) : !staff ? (
                          <span>{t('licences.case.failedApplicant')}</span>
                        ) : null}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      ) : null}
    </Card>
  );
}
