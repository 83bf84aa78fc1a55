import { Modal } from 'antd';
import type { ReactNode } from 'react';

/** The console's dialog that saves something: 取消 closes it, the OK button runs `onSave` and spins while `saving`. */
export function SaveDialog({
  title,
  okText,
  danger = false,
  open = true,
  saving,
  onSave,
  onClose,
  children,
}: {
  title: string;
  okText: string;
  /** A red OK button, for refusing or removing. */
  danger?: boolean;
  open?: boolean;
  saving: boolean;
  onSave(): Promise<void>;
  onClose(): void;
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={danger ? { danger: true } : undefined}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void onSave()}
      onCancel={onClose}
      destroyOnHidden
    >
      {children}
    </Modal>
  );
}
