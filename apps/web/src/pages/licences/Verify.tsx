/**
 * /verify and /verify/:identifier — public verification (no sign-in): by 证照标识 (the QR code of every
 * licence PDF points to /verify/<identifier>, so this route answers directly) or by uploading the PDF.
 */
import { FilePdfOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Space, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import { type VerifyAnswer, verifyPath, verifyPdfFile } from './model.ts';
import { VerifyResult } from './VerifyResult.tsx';

export default function VerifyPage() {
  const { identifier: param } = useParams();
  const identifier = param?.trim() ?? '';
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ identifier: string }>();
  const [pdf, setPdf] = useState<{ name: string; answer: VerifyAnswer } | null>(null);
  const [pdfError, setPdfError] = useState<string | null>(null);
  const [pdfBusy, setPdfBusy] = useState(false);

  const answer = useQuery({
    queryKey: ['licences', 'verify', identifier],
    queryFn: () => api.get<VerifyAnswer>(`/licences/verify/${encodeURIComponent(identifier)}`),
    enabled: !!identifier,
    retry: false,
  });

  useEffect(() => {
    form.setFieldsValue({ identifier });
    if (identifier) setPdf(null);
  }, [identifier, form]);

  const err = answer.error;
  const fieldError =
    err instanceof ApiError && err.status === 400 && (err.field === 'identifier' || err.code.startsWith('IDENTIFIER'))
      ? err.text(lang)
      : null;
  useEffect(() => {
    form.setFields([{ name: 'identifier', errors: fieldError ? [fieldError] : [] }]);
  }, [fieldError, form]);

  const check = async (file: File) => {
    setPdfBusy(true);
    setPdfError(null);
    try {
      const a = await verifyPdfFile(file);
      setPdf({ name: file.name, answer: a });
    } catch (e) {
      setPdf(null);
      setPdfError(errorText(e, lang));
    } finally {
      setPdfBusy(false);
    }
  };

  return (
    <ElderFriendly>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Title level={1} className="yw-page-title">
          {t('licences.verify.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('licences.verify.intro')}</Typography.Paragraph>
        <Card title={<h2 className="yw-card-title">{t('licences.verify.byIdentifier')}</h2>}>
          <Form
            form={form}
            name="licenceVerify"
            layout="vertical"
            onFinish={(v) => {
              const id = v.identifier.trim();
              setPdf(null);
              navigate(verifyPath(id));
            }}
          >
            <Form.Item
              label={t('licences.f.identifier')}
              name="identifier"
              extra={t('licences.verify.identifierHint')}
              rules={[{ required: true, whitespace: true, message: t('licences.verify.identifierRequired') }]}
            >
              <Input maxLength={200} autoComplete="off" spellCheck={false} style={{ maxWidth: 760 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={answer.isFetching}>
              {t('licences.verify.submit')}
            </Button>
          </Form>
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.verify.byPdf')}</h2>}>
          <Typography.Paragraph type="secondary">{t('licences.verify.pdfHint')}</Typography.Paragraph>
          <Upload
            accept=".pdf,application/pdf"
            showUploadList={false}
            beforeUpload={(file) => {
              void check(file);
              return Upload.LIST_IGNORE;
            }}
          >
            <Button icon={<FilePdfOutlined aria-hidden />} loading={pdfBusy}>
              {t('licences.verify.choosePdf')}
            </Button>
          </Upload>
          {pdfError ? <Alert style={{ marginTop: 12 }} type="error" showIcon role="alert" title={pdfError} /> : null}
        </Card>
        {pdf ? <VerifyResult answer={pdf.answer} title={t('licences.verify.pdfResult', { name: pdf.name })} /> : null}
        {!pdf && identifier && answer.isLoading ? <Card loading /> : null}
        {!pdf && identifier && err && !fieldError ? <Alert type="error" showIcon title={errorText(err, lang)} /> : null}
        {!pdf && identifier && answer.data ? <VerifyResult answer={answer.data} /> : null}
      </Space>
    </ElderFriendly>
  );
}
