"""The kiosk's whole flow as plain Python (no Kivy): one part per concern, behind the KioskPresenter facade."""

from kiosk.presenter.facade import SCREENS, KioskPresenter
from kiosk.presenter.ports import CameraPort, ClientPort, PrinterPort, Runner
from kiosk.presenter.scan_flow import ScanResult, split_bilingual

__all__ = ["SCREENS", "CameraPort", "ClientPort", "KioskPresenter", "PrinterPort", "Runner", "ScanResult",
           "split_bilingual"]
