"""Every fixed phrase the kiosk shows, Chinese first and English second.

Plain data: the presenter and the screens look phrases up by key, so wording lives in one place.
"""

from __future__ import annotations

Text = tuple[str, str]

TEXT: dict[str, Text] = {
    "welcome": ("欢迎办事，请选择业务", "Welcome. Please choose a service"),
    "language": ("English", "中文"),
    "large_text": ("大字", "Large text"),
    "normal_text": ("标准字", "Normal text"),
    "home": ("首页", "Home"),
    "back": ("返回", "Back"),
    "paused": ("暂停取号，请稍候", "Ticketing paused, please wait"),
    "paused_detail": ("正在重新连接服务器…", "Reconnecting to the server…"),
    "loading": ("正在加载…", "Loading…"),
    "waiting_people": ("等候 {n} 人", "{n} waiting"),
    "priority": ("绿色通道", "Green channel"),
    "priority_hint": ("老年人、残疾人、军人、孕妇、人才",
                      "Priority service: seniors, disabled people, veterans, pregnant women, talent"),
    "checkin": ("预约签到", "Appointment check-in"),
    "checkin_hint": ("扫描预约二维码", "Scan your booking code"),
    "pickup": ("领取证照", "Collect a licence"),
    "pickup_hint": ("扫描取件码", "Scan your pickup code"),
    "case": ("办件查询", "Application progress"),
    "case_hint": ("扫描受理回执或输入编号", "Scan your receipt or type its number"),
    "bundles": ("一件事", "One-thing services"),
    "bundles_hint": ("多个事项一次办", "Several matters at once"),
    "help": ("帮办代办", "Ask for help"),
    "help_hint": ("呼叫工作人员", "Call a member of staff"),
    "help_sent": ("已通知工作人员，请在此稍候", "Staff have been called, please wait here"),
    "help_failed": ("呼叫失败，请到咨询服务区", "Could not call staff; please go to the enquiries desk"),
    "choose_matter": ("请选择办理事项", "Choose your matter"),
    "search_hint": ("输入拼音或首字母查找，如 SBK（社保卡）", "Type pinyin or English letters, e.g. SBK for 社保卡"),
    "search_none": ("没有找到，请换个字母，或到咨询服务区询问",
                    "Nothing found: try other letters, or ask at the consultation area"),
    "search": ("查找事项", "Find a matter"),
    "search_tile_hint": ("输入拼音首字母，全部业务区一起找", "Type letters to search every zone"),
    "search_title": ("查找办理事项", "Find your matter"),
    "search_all": ("在全部业务区中查找", "Searching every zone"),
    "keyboard_show": ("打开键盘", "Show keyboard"),
    "keyboard_hide": ("收起键盘", "Hide keyboard"),
    "examples": ("如：{names}", "e.g. {names}"),
    "clear": ("清除", "Clear"),
    "common": ("常办", "Common"),
    "any_matter": ("不确定办什么？直接取号", "Not sure? Take a number for this zone"),
    "guide_title": ("办事指南（一次告知）", "Service guide (one-time notification)"),
    "materials": ("需要带的材料", "Documents to bring"),
    "time_limit": ("办理时限", "Time limit"),
    "fee": ("收费", "Fee"),
    "notes": ("注意事项", "Notes"),
    "legal_days": ("法定时限 {d} 个工作日", "Statutory time limit: {days}"),
    "promised_days": ("承诺时限 {d} 个工作日", "Promised time limit: {days}"),
    "on_the_spot": ("当场办结", "Done on the spot"),
    "take_number": ("取号", "Take a number"),
    "print_list": ("打印材料清单", "Print this list"),
    "list_printing": ("正在打印材料清单…", "Printing the list…"),
    "list_printed": ("材料清单已打印，请取走", "The list is printed, please take it"),
    "taking": ("正在取号…", "Taking a number…"),
    "no_more_numbers": ("已停止取号", "No more numbers today"),
    # Opening hours on home, before anyone taps (kiosk/presenter/opening_status.py).
    "zone_closed": ("已停止取号", "No more numbers"),
    "all_closed": ("今日已停止取号", "No more numbers today"),
    "not_yet_today": ("现在不取号", "No numbers now"),
    "no_hours_ahead": ("暂无取号时间", "no hours set yet"),
    "your_number": ("您的号码", "Your number"),
    "wait_where": ("请到{zone}等候区，留意叫号屏幕", "Please wait in the {zone} area and watch the screens"),
    "windows": ("办理窗口：{w}", "Windows: {w}"),
    "printing": ("正在打印票据…", "Printing your ticket…"),
    "printed": ("请取走票据", "Please take your ticket"),
    "no_printer": ("本机不打印票据，请拍下此页", "This kiosk does not print: please take a photo of this screen"),
    "print_failed": ("打印失败，请用手机拍下号码和二维码，已通知工作人员",
                     "Printing failed: take a photo of the number and QR code. Staff have been told"),
    "done": ("完成", "Done"),
    "bundle_title": ("一件事 · 一链办理", "One-thing services"),
    "bundle_matters": ("包含事项", "Matters included"),
    "bundle_materials": ("合并后的材料清单（已去重）", "Merged list of documents (no duplicates)"),
    "priority_title": ("绿色通道：请选择优先原因", "Green channel: why do you need priority service?"),
    "priority_zone": ("请选择业务区", "Choose a service area"),
    "priority_matter": ("请选择办理事项，窗口可提前准备", "Choose your matter, so the window can get ready"),
    "not_sure": ("不确定", "Not sure"),
    "not_sure_hint": ("直接取号，到窗口再说", "Take a number and tell the window"),
    "priority_check": ("工作人员可能核验相关证件", "Staff may check your eligibility"),
    "elderly": ("老年人（60岁以上）", "Senior citizen (60+)"),
    "disabled": ("残疾人", "Person with a disability"),
    "veteran": ("军人、退役军人", "Serviceman or veteran"),
    "pregnant": ("孕妇", "Pregnant woman"),
    "talent": ("高层次人才服务卡", "High-level talent card holder"),
    "scan_pickup": ("领取证照：请扫描取件码", "Collect a licence: scan your pickup code"),
    "scan_checkin": ("预约签到：请扫描预约码", "Appointment check-in: scan your booking code"),
    # One line says what the camera does and what to do; never two that disagree.
    "camera_starting": ("正在打开摄像头…也可在下方输入 9 位号码",
                        "Starting the camera… You can also type the 9-character code below"),
    "camera_ready": ("请把二维码对准摄像头，约 20 厘米远；或在下方输入 9 位号码",
                     "Hold the QR code 20 cm from the camera, or type the 9-character code below"),
    "camera_missing": ("摄像头不可用：请在下方输入 9 位号码",
                       "The camera is not available: please type the 9-character code below"),
    "keypad_hint": ("输入 9 位号码（字母和数字）", "Type the 9-character code (letters and digits)"),
    "code_length": ("号码是 9 位，您输入了 {n} 位，请核对",
                    "The code has 9 characters; you typed {n}. Please check it"),
    "code_invalid": ("号码不对，请核对后重新输入，或到统一出件区窗口询问",
                     "This code is not right. Please check it and type it again, or ask at the unified pickup desk"),
    "scan_case": ("办件查询：扫描受理回执", "Application progress: scan your receipt"),
    "case_found": ("查询结果", "Your case"),
    # 办件查询 reads the receipt's QR, or the case number with the last 4 characters of the ID number.
    "case_camera_starting": ("正在打开摄像头…也可在下方输入受理编号和身份证号后 4 位",
                             "Starting the camera… You can also type the case number and the last 4 ID characters"),
    "case_camera_ready": ("请把受理回执上的二维码对准摄像头，约 20 厘米远；或在下方输入受理编号和身份证号后 4 位",
                          "Hold the receipt's QR code 20 cm from the camera, or type the case number and the last "
                          "4 ID characters below"),
    "case_camera_missing": ("摄像头不可用：请在下方输入受理编号和身份证号后 4 位",
                            "The camera is not available: please type the case number and the last 4 ID characters"),
    "case_keypad_hint": ("输入受理编号（不含“-”），再输入身份证号后 4 位",
                         "Type the case number (without the dashes), then the last 4 ID characters"),
    "case_invalid": ("请核对受理编号和身份证号后 4 位，或到综合窗口咨询",
                     "Check the case number and the last 4 ID characters, or ask at a window"),
    "case_not_found": ("未查到", "Not found"),
    "case_too_short": ("请输入受理编号和身份证号后 4 位", "Please type the case number and the last 4 ID characters"),
    "checking": ("正在查询…", "Checking…"),
    "ok": ("确定", "OK"),
    "delete": ("删除", "Delete"),
    "scan_ok": ("办理成功", "Done"),
    "scan_failed": ("未能办理", "Not accepted"),
    "scan_again": ("再扫一次", "Scan again"),
    "board_title": ("排队情况", "Queue status"),
    "board_touch": ("触摸屏幕开始取号", "Touch the screen to take a number"),
    "recent_calls": ("最近叫号", "Recent calls"),
    "call_to": ("{number} 请到 {window} 号窗口", "{number} to window {window}"),
    "no_calls": ("暂无叫号", "No calls yet"),
    "sms_button": ("短信提醒", "Text me"),
    "sms_title": ("快到您时发短信提醒", "A text when your turn is near"),
    "sms_consent": ("点 OK 即同意本大厅仅为本次排队向此号码发送提醒短信，号码 30 天后删除。",
                    "Tapping OK means you agree that this hall texts this number about this ticket only; "
                    "the number is deleted after 30 days."),
    "pin_title": ("工作人员退出", "Staff exit"),
    "pin_hint": ("请输入工作人员密码", "Enter the staff PIN"),
    "pin_wrong": ("密码错误", "Wrong PIN"),
    "pin_locked": ("错误次数过多，请 {s} 秒后再试", "Too many wrong PINs: wait {s} s"),
    "cancel": ("取消", "Cancel"),
    "error_generic": ("暂时无法办理，请到咨询服务区", "This did not work; please ask at the enquiries desk"),
    "server_said": ("服务器答复：{m}", "The server said: {m}"),
}


def working_days(d: int) -> str:
    """"1 working day", "5 working days": English needs the plural, Chinese does not."""
    return f"{d} working day" if d == 1 else f"{d} working days"


def text(key: str, lang: str = "zh", **values: object) -> str:
    """One phrase in one language, with `{name}` filled in."""
    zh, en = TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values: object) -> Text:
    zh, en = TEXT[key]
    if "d" in values:  # a number of working days, worded with its plural in English
        values = {"days": working_days(int(str(values["d"]))), **values}
    return zh.format(**values), en.format(**values)

