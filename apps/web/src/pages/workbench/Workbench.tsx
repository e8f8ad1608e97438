import { Alert, Card, Col, Descriptions, Empty, Row, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { ADMIN_SECTIONS, adminSectionsOf, type Grant, hasPermission, useMe } from '../../auth.tsx';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { InboxPanel } from './Inbox.tsx';

export default function WorkbenchPage() {
  const { t } = usePrefs();
  const me = useMe();
  const account = me.data?.account;
  const departmentId = account?.departmentId ?? null;
  if (!account || !me.data) return null;
  const sections = adminSectionsOf(me.data);
  const handlesCases = me.data.grants.some(
    (g) => g.permission === '*' || g.permission === 'cases.read' || g.permission === 'cases.handle',
  );

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 26 }}>
        {t('workbench.title')}
      </Typography.Title>
      {!account.totpEnabled && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <span>
              {t('workbench.totpAdvice')} <Link to="/account/security">{t('nav.security')}</Link>
            </span>
          }
        />
      )}
      <Row gutter={[16, 16]}>
        {handlesCases && (
          <Col span={24}>
            <InboxPanel />
          </Col>
        )}
        {(handlesCases || me.data.grants.some((g) => g.permission === 'evaluation.manage')) && (
          <Col span={24}>
            <Card size="small">
              <Link to="/workbench/evaluations">{t('onestop.eval.workbenchLink')}</Link>
            </Card>
          </Col>
        )}
        {hasPermission(me.data, ['licences.issue', 'licences.read']) && (
          <Col span={24}>
            <Card size="small">
              <Link to="/workbench/licences">{t('licences.staff.workbenchLink')}</Link>
            </Card>
          </Col>
        )}
        <Col xs={24} lg={12}>
          <Card title={<h2 className="yw-card-title">{t('workbench.profile')}</h2>} style={{ height: '100%' }}>
            <Descriptions
              column={1}
              items={[
                { key: 'name', label: t('register.name'), children: account.name },
                { key: 'username', label: t('login.username'), children: account.username },
                {
                  key: 'dept',
                  label: t('staff.department'),
                  children: departmentId ? (account.departmentName ?? departmentId) : t('common.none'),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 className="yw-card-title">{t('workbench.adminLinks')}</h2>} style={{ height: '100%' }}>
            {sections.length === 0 ? (
              <Empty description={t('workbench.noAdmin')} />
            ) : (
              <nav aria-label={t('workbench.adminLinks')}>
                <ul className="yw-link-list">
                  {ADMIN_SECTIONS.filter((s) => sections.includes(s.key)).map((s) => (
                    <li key={s.key}>
                      <Link to={`/admin/${s.key}`}>{t(`admin.menu.${s.key}` as MessageKey)}</Link>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('workbench.grants')}</h2>}>
            <Table<Grant>
              rowKey={(g) => `${g.permission}|${g.regionCode}|${g.departmentId}`}
              dataSource={me.data.grants}
              pagination={false}
              locale={{ emptyText: t('workbench.noGrants') }}
              columns={[
                {
                  title: t('workbench.permission'),
                  dataIndex: 'permission',
                  render: (p: string) => (p === '*' ? `* (${t('workbench.allPermissions')})` : p),
                },
                {
                  title: t('staff.region'),
                  dataIndex: 'regionCode',
                  render: (v: string | null) => v ?? t('workbench.anyScope'),
                },
                {
                  title: t('staff.department'),
                  dataIndex: 'departmentId',
                  render: (v: string | null) => v ?? t('workbench.anyScope'),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
