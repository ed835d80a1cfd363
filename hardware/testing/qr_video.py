"""Camera double: frames and video files showing QR codes the way a kiosk camera sees them.

Reusable by every test that needs a camera (the QR scanner, the kiosk's scan screen):
`write_video(path, [QrScene(...), ...])` writes a real video file with `cv2.VideoWriter` that
`cv2.VideoCapture(path)` plays back like a camera. Scenes cover what goes wrong in a hall:
small codes, rotation, perspective, blur, glare, dark-mode phone screens, dim light.
Everything is deterministic (seeded), so tests and the benchmark see the same pixels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import segno


@dataclass(frozen=True)
class QrScene:
    """One QR code placed in a camera frame, with the defects to apply."""

    payload: str
    module_px: float = 6.0  # size of one QR module on the sensor, in pixels
    angle_deg: float = 0.0  # in-plane rotation
    tilt: float = 0.0  # perspective: 0 = flat, 0.3 = strongly tilted away
    blur_sigma: float = 0.0  # Gaussian defocus
    motion_px: int = 0  # horizontal motion blur length
    glare: float = 0.0  # 0..1 strength of a bright reflection across the code
    dark_mode: bool = False  # light modules on a dark screen (phone dark mode)
    brightness: float = 1.0  # < 1 = dim hall corner
    noise: float = 0.0  # sensor noise standard deviation (grey levels)
    center: tuple[float, float] = (0.5, 0.5)  # position in the frame, as fractions
    seed: int = 1
    name: str = ""


def qr_modules(payload: str, error: str = "m") -> np.ndarray:
    """The code's module matrix (1 = dark) with the 4-module quiet zone."""
    code = segno.make_qr(payload, error=error)
    matrix = np.array(code.matrix, dtype=np.uint8)
    return np.pad(matrix, 4)


def render_scene(scene: QrScene, width: int = 640, height: int = 480) -> np.ndarray:
    """Draw `scene` into a BGR frame of `width` x `height`."""
    rng = np.random.default_rng(scene.seed)
    modules = qr_modules(scene.payload)
    n = modules.shape[0]
    paper, ink = (40, 225) if scene.dark_mode else (235, 20)
    # Draw the code crisp at 8 px per module, then warp it onto the frame.
    tile = np.where(np.kron(modules, np.ones((8, 8), np.uint8)) == 1, ink, paper).astype(np.uint8)
    side = tile.shape[0]
    # Background: a textured hall scene (gradient + blobs), not a flat colour.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    background = 110 + 50 * np.sin(xs / 57.0) * np.cos(ys / 43.0) + 30 * (xs / width)
    frame = background.astype(np.float32)

    target = scene.module_px * n
    cx, cy = scene.center[0] * width, scene.center[1] * height
    half = target / 2
    corners = np.array([[-half, -half], [half, -half], [half, half], [-half, half]], np.float32)
    if scene.tilt:
        # The top edge recedes: shorter and pushed down, as if the phone leans back.
        corners[0, 0] *= 1 - scene.tilt
        corners[1, 0] *= 1 - scene.tilt
        corners[0, 1] *= 1 - scene.tilt / 2
        corners[1, 1] *= 1 - scene.tilt / 2
    theta = np.deg2rad(scene.angle_deg)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]], np.float32)
    corners = corners @ rot.T + np.array([cx, cy], np.float32)
    src = np.array([[0, 0], [side, 0], [side, side], [0, side]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(tile, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(
        np.full((side, side), 255, np.uint8), matrix, (width, height), flags=cv2.INTER_AREA
    ).astype(np.float32) / 255.0
    frame = frame * (1 - mask) + warped.astype(np.float32) * mask

    if scene.glare:
        glare = np.exp(-(((xs - cx - target * 0.15) / (target * 0.35)) ** 2
                         + ((ys - cy + target * 0.1) / (target * 0.2)) ** 2))
        frame = frame + scene.glare * 255 * glare
    frame = frame * scene.brightness
    if scene.blur_sigma:
        frame = cv2.GaussianBlur(frame, (0, 0), scene.blur_sigma)
    if scene.motion_px:
        kernel = np.full((1, scene.motion_px), 1.0 / scene.motion_px, np.float32)
        frame = cv2.filter2D(frame, -1, kernel)
    if scene.noise:
        frame = frame + rng.normal(0, scene.noise, frame.shape)
    grey = np.clip(frame, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def blank_frame(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """A frame with no code in it (the camera looking at the hall)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    grey = 110 + 50 * np.sin(xs / 57.0) * np.cos(ys / 43.0) + rng.normal(0, 3, (height, width))
    return cv2.cvtColor(np.clip(grey, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def write_video(
    path: str | Path,
    scenes: Iterable[QrScene | None],
    *,
    width: int = 640,
    height: int = 480,
    fps: float = 10.0,
    frames_per_scene: int = 3,
) -> Path:
    """Write a video file (MJPG in AVI, always available in OpenCV) showing each scene in turn.

    `None` in `scenes` writes blank frames (nobody holding a code up).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write a video to {path}")
    try:
        for scene in scenes:
            frame = blank_frame(width, height) if scene is None else render_scene(
                scene, width, height)
            for _ in range(frames_per_scene):
                writer.write(frame)
    finally:
        writer.release()
    return path


def hard_scenes(payload_prefix: str = "https://hall.local/t/") -> list[QrScene]:
    """The generated hard set: one scene per defect and a few combinations."""
    specs: Sequence[tuple[str, dict]] = [
        ("plain", {}),
        ("small-3px", {"module_px": 3.0}),
        ("tiny-2px", {"module_px": 2.0}),
        ("tiny-1.6px", {"module_px": 1.6}),
        ("large", {"module_px": 11.0}),
        ("rotated-20", {"angle_deg": 20}),
        ("rotated-45", {"angle_deg": 45}),
        ("rotated-170", {"angle_deg": 170}),
        ("tilt-0.25", {"tilt": 0.25}),
        ("tilt-0.4", {"tilt": 0.4, "angle_deg": 10}),
        ("blur-1.5", {"blur_sigma": 1.5}),
        ("blur-2.5", {"blur_sigma": 2.5, "module_px": 7.0}),
        ("motion-6", {"motion_px": 6}),
        ("glare-0.6", {"glare": 0.6}),
        ("glare-0.9", {"glare": 0.9}),
        ("dark-mode", {"dark_mode": True}),
        ("dark-mode-small", {"dark_mode": True, "module_px": 3.0}),
        ("dark-mode-rotated", {"dark_mode": True, "angle_deg": 30}),
        ("dim", {"brightness": 0.35}),
        ("noisy", {"noise": 18.0}),
        ("corner", {"center": (0.2, 0.25), "module_px": 4.0}),
        ("small-blurred", {"module_px": 3.0, "blur_sigma": 1.0}),
        ("tilt-blur-glare", {"tilt": 0.25, "blur_sigma": 1.2, "glare": 0.5}),
        ("dark-mode-tilt-noise", {"dark_mode": True, "tilt": 0.2, "noise": 10.0}),
        # Beyond comfortable: these separate the decoders.
        ("tiny-1.3px", {"module_px": 1.3}),
        ("blur-3.5", {"blur_sigma": 3.5, "module_px": 8.0}),
        ("tilt-0.55", {"tilt": 0.55, "angle_deg": 25}),
        ("glare-1.4", {"glare": 1.4}),
        ("motion-12", {"motion_px": 12, "module_px": 7.0}),
        ("very-dim-noisy", {"brightness": 0.18, "noise": 6.0}),
        ("very-noisy", {"noise": 40.0}),
        ("dark-mode-blur", {"dark_mode": True, "blur_sigma": 2.0}),
    ]
    return [
        QrScene(payload=f"{payload_prefix}{i:04d}?k=Z{i * 7919 % 100000:05d}", name=name,
                seed=i, **kw)
        for i, (name, kw) in enumerate(specs, start=1)
    ]
