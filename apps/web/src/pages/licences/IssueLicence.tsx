/** /workbench/licences/new — issue a licence by hand (e.g. a legacy paper licence made electronic). */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, DatePicker, Form, Input, Radio, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { CREDIT_CODE_RE } from '../account/validators.ts';
import { useDepartments } from '../admin/Departments.tsx';
import { useLicenceTypes } from './bits.tsx';
import { cleanData, DataFormItems } from './DataForm.tsx';
import { type LicenceView, licenceTypeName } from './model.ts';

interface IssueForm {
  typeId: string;
  departmentId: string;
  holder: { name: string; codeType: '111' | '001'; code: string };
  data?: Record<string, unknown>;
  validFrom?: Dayjs | null;
  validTo?: Dayjs | null;
}

const ID_NUMBER_RE = /^[0-9]{17}[0-9Xx]$/;

export default function IssueLicencePage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const types = useLicenceTypes();
  const departments = useDepartments();
  const [form] = Form.useForm<IssueForm>();
  const typeId = Form.useWatch('typeId', form);
  const codeType = Form.useWatch(['holder', 'codeType'], form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const active = (types.data ?? []).filter((ty) => ty.status === 'active');
  const type = active.find((ty) => ty.id === typeId);
  const depName = (id: string) => departments.data?.items.find((d) => d.id === id)?.name ?? id;

  const send = async (v: IssueForm) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<LicenceView>('/licences', {
        typeId: v.typeId,
        departmentId: v.departmentId,
        holder: { name: v.holder.name.trim(), code: v.holder.code.trim().toUpperCase(), codeType: v.holder.codeType },
        data: cleanData(v.data),
        validFrom: v.validFrom ? v.validFrom.format('YYYY-MM-DD') : null,
        validTo: v.validTo ? v.validTo.format('YYYY-MM-DD') : null,
      });
      message.success(t('licences.issue.done', { number: r.licenceNumber }));
      navigate(`/workbench/licences/${encodeURIComponent(r.id)}`);
    } catch (e) {
      // Field paths of the API (holder.code, validTo …) land on the matching form field.
      if (e instanceof ApiError && e.field && ['typeId', 'departmentId', 'validFrom', 'validTo'].includes(e.field))
        form.setFields([{ name: e.field as 'typeId', errors: [e.text(lang)] }]);
      else if (e instanceof ApiError && e.field?.startsWith('holder.'))
        form.setFields([{ name: ['holder', e.field.slice(7)] as ['holder', 'code'], errors: [e.text(lang)] }]);
      else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Link to="/workbench/licences">
        <ArrowLeftOutlined aria-hidden /> {t('licences.staff.back')}
      </Link>
      <Typography.Title level={1} style={{ fontSize: 26, marginTop: 12 }}>
        {t('licences.issue.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('licences.issue.intro')}</Typography.Paragraph>
      {types.error ? <Alert type="error" showIcon title={errorText(types.error, lang)} /> : null}
      <Form<IssueForm>
        form={form}
        name="licenceIssue"
        layout="vertical"
        initialValues={{ holder: { codeType: '111' } }}
        onFinish={(v) => void send(v)}
        onValuesChange={(changed) => {
          if ('typeId' in changed) {
            const ty = active.find((x) => x.id === changed.typeId);
            form.setFieldsValue({
              departmentId: ty?.issuingDepartmentIds.length === 1 ? ty.issuingDepartmentIds[0] : undefined,
              data: {},
              holder: { ...form.getFieldValue('holder'), codeType: ty?.holderKind === 'enterprise' ? '001' : '111' },
            });
          }
        }}
        style={{ maxWidth: 760 }}
      >
        <Card title={<h2 className="yw-card-title">{t('licences.issue.typeCard')}</h2>} style={{ marginBottom: 16 }}>
          <Form.Item
            label={t('licences.f.type')}
            name="typeId"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={types.isLoading}
              options={active.map((ty) => ({ value: ty.id, label: `${licenceTypeName(ty, lang)}（${ty.typeCode}）` }))}
            />
          </Form.Item>
          <Form.Item
            label={t('licences.issue.department')}
            name="departmentId"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              disabled={!type}
              options={(type?.issuingDepartmentIds ?? []).map((id) => ({ value: id, label: depName(id) }))}
            />
          </Form.Item>
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.issue.holderCard')}</h2>} style={{ marginBottom: 16 }}>
          <Form.Item
            label={t('licences.issue.holderName')}
            name={['holder', 'name']}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t('licences.issue.codeType')} name={['holder', 'codeType']}>
            <Radio.Group
              options={[
                { value: '111', label: t('licences.codeType.111') },
                { value: '001', label: t('licences.codeType.001') },
              ]}
            />
          </Form.Item>
          <Form.Item
            label={codeType === '001' ? t('licences.codeType.001') : t('licences.codeType.111')}
            name={['holder', 'code']}
            rules={[
              { required: true, whitespace: true, message: t('form.required') },
              codeType === '001'
                ? { pattern: CREDIT_CODE_RE, message: t('form.creditCodeInvalid') }
                : { pattern: ID_NUMBER_RE, message: t('form.idNumberInvalid') },
            ]}
            extra={t('licences.issue.codeHint')}
          >
            <Input maxLength={18} autoComplete="off" />
          </Form.Item>
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.detail.data')}</h2>} style={{ marginBottom: 16 }}>
          {type ? (
            <DataFormItems type={type} />
          ) : (
            <Typography.Paragraph type="secondary">{t('licences.issue.chooseType')}</Typography.Paragraph>
          )}
          <Space wrap size="large" align="start">
            <Form.Item label={t('licences.f.validFrom')} name="validFrom" extra={t('licences.issue.validFromHint')}>
              <DatePicker style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              label={t('licences.f.validTo')}
              name="validTo"
              extra={
                type?.validityYears
                  ? t('licences.issue.validToYears', { n: type.validityYears })
                  : t('licences.issue.validToOpen')
              }
            >
              <DatePicker style={{ width: 200 }} />
            </Form.Item>
          </Space>
        </Card>
        {error ? <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} /> : null}
        <Button type="primary" htmlType="submit" size="large" loading={busy}>
          {t('licences.issue.submit')}
        </Button>
      </Form>
    </>
  );
}
