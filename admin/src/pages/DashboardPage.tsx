import { Card, Col, Descriptions, Empty, Row, Skeleton, Tag } from 'antd';
import type { HealthReply } from '@mall/shared';
import type { ApiClient } from '../api/client.ts';
import { LoadFailedAlert } from '../api/LoadFailedAlert.tsx';
import { useApiData } from '../api/use-api-data.ts';
import { formatShanghaiDateTime } from '../format.ts';
import { useSignedInStaff } from '../session/session.tsx';
import { roleLabels } from '../staff/roles.ts';

const loadHealth = (api: ApiClient) => api.health();

const databaseLabels: Record<HealthReply['db']['mode'], string> = {
  embedded: '内置开发数据库',
  mongodb: 'MongoDB',
};

function HealthCard() {
  const health = useApiData(loadHealth);
  return (
    <Card title="服务状态">
      {health.status === 'loading' && <Skeleton active paragraph={{ rows: 3 }} />}
      {health.status === 'failed' && <LoadFailedAlert title="无法获取服务状态" failed={health} />}
      {health.status === 'loaded' && (
        <Descriptions
          column={1}
          aria-label="服务状态"
          items={[
            { key: 'api', label: '接口', children: <Tag color="success">运行正常</Tag> },
            { key: 'db', label: '数据库', children: `${databaseLabels[health.data.db.mode]}（${health.data.db.mode}）` },
            {
              key: 'sandbox',
              label: '微信 / 企业微信 / 微信支付',
              children: health.data.sandbox ? <Tag color="warning">本地沙箱</Tag> : <Tag color="success">正式平台</Tag>,
            },
            { key: 'version', label: '版本', children: health.data.version },
          ]}
        />
      )}
    </Card>
  );
}

function SignedInCard() {
  const staff = useSignedInStaff();
  return (
    <Card title="当前登录">
      <Descriptions
        column={1}
        aria-label="当前登录"
        items={[
          { key: 'username', label: '用户名', children: staff.username },
          { key: 'role', label: '角色', children: roleLabels[staff.role] },
          ...(staff.storeId === undefined ? [] : [{ key: 'store', label: '所属门店', children: staff.storeId }]),
          { key: 'createdAt', label: '账号创建于', children: formatShanghaiDateTime(staff.createdAt) },
        ]}
      />
    </Card>
  );
}

export function DashboardPage() {
  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} lg={12}>
        <HealthCard />
      </Col>
      <Col xs={24} lg={12}>
        <SignedInCard />
      </Col>
      <Col span={24}>
        <Card title="经营数据">
          <Empty description="成交额、订单、访客、转化与趋势，导购排行和直播表现，将随订单、导购与直播功能上线。" />
        </Card>
      </Col>
    </Row>
  );
}
