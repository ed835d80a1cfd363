"""Why a code is refused, in plain Chinese and English, with the HTTP status of each reason."""

from __future__ import annotations

from queue_server.errors import HallError

STATUS = {
    "invalid_code": 400, "wrong_hall": 403, "expired": 410, "already_collected": 409, "not_ready": 409,
    "too_many_attempts": 429, "no_locker": 503, "locker_failed": 503, "too_early": 409, "cancelled": 409,
    "id_mismatch": 403, "wrong_method": 409, "already_checked_in": 409,
    "not_redeemed": 409,
}


class Refused(HallError):
    """A refusal the kiosk shows as it is: `message` is Chinese then English; both are also separate."""

    def __init__(self, code: str, zh: str, en: str, **details: object):
        super().__init__(f"{zh} / {en}", code=code, message_zh=zh, message_en=en, **details)
        self.status = STATUS.get(code, 400)
        self.zh, self.en = zh, en


def invalid_code(detail: str = "") -> Refused:
    return Refused("invalid_code",
                   "无法识别此取件码，请核对后重新输入，或到统一出件区窗口咨询。",
                   "This code is not valid. Please check it and try again, or ask at the pickup desk."
                   + (f" ({detail})" if detail else ""))


def wrong_hall(hall: str) -> Refused:
    return Refused("wrong_hall",
                   f"此码属于其他政务服务大厅（{hall}），请到通知上写明的大厅办理。",
                   f"This code belongs to another service hall ({hall}). Please go to the hall named on your notice.",
                   hall=hall)


def too_many_attempts(limit: int) -> Refused:
    return Refused("too_many_attempts",
                   "输入错误次数过多，请稍等一分钟再试，或到统一出件区窗口请工作人员帮助。",
                   "Too many wrong codes. Please wait a minute and try again, or ask the staff at the pickup desk.",
                   limit_per_minute=limit, retry_after_s=60)


def other_kind(kind: str) -> Refused:
    """A valid-looking code of the other service: point to the right button on the kiosk."""
    if kind == "appointment":
        return Refused("invalid_code", "这是预约码，请返回首页点“预约签到”后再扫描。",
                       "This is an appointment code. Please go back and choose Appointment check-in.",
                       code_kind=kind)
    if kind == "case":
        return Refused("invalid_code", "这是办件受理回执，请返回首页点“办件查询”后再扫描。",
                       "This is a case receipt. Please go back and choose Case progress.", code_kind=kind)
    return Refused("invalid_code", "这是证照取件码，请返回首页点“领取证照”后再扫描。",
                   "This is a licence pickup code. Please go back and choose Collect a licence.", code_kind=kind)
