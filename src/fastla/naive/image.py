"""Image filters in plain Python: the textbook version of fastla.apps.filters.

An image is a list of rows, a row a list of pixels, a pixel a list of channel
values 0..255 ([r, g, b] or [r, g, b, a]). The arithmetic is the fast kernels'
own: weights are turned into integers over a power of two ("fixed point"), the
sums are exact integers, and the result is rounded (halves up) and clamped to
0..255, so these functions give the same bytes as the C code."""


def color_matrix(img, M):
    """out = M[:, :3] . [r, g, b] + M[:, 3] for every pixel (alpha kept), with
    the weights as integers over 2^10: q = round(M * 1024), ties to even."""
    M = [list(row) + [0.0] * (4 - len(row)) for row in M]
    q = [[round(v * 1024) for v in row] for row in M]  # Python's round: ties to even
    out = []
    for row in img:
        new_row = []
        for px in row:
            new = []
            for k in range(3):
                # the integer dot product of row k of M with (r, g, b, 1), plus 1/2
                s = q[k][0] * px[0] + q[k][1] * px[1] + q[k][2] * px[2] + q[k][3] + 512
                new.append(_clamp(s >> 10))  # >> 10 divides by 2^10 rounding down
            new.extend(px[3:])
            new_row.append(new)
        out.append(new_row)
    return out


def kernel_shift(weights, bound):
    """The largest shift <= 30 with every |w| * 2^shift <= 32767 (int16 weights)
    and bound * (sum |w| * 2^shift + len(w)) + 2^shift < 2^31 (int32 sums), or -1."""
    biggest = max(abs(w) for w in weights)
    total = sum(abs(w) for w in weights)
    for shift in range(30, -1, -1):
        scale = 2.0 ** shift
        if biggest * scale <= 32767 and bound * (total * scale + len(weights)) + scale < 2 ** 31:
            return shift
    return -1


def reflect101(p, n):
    """Index p folded into 0..n-1 by mirroring at the edges without repeating them:
    -1 -> 1, -2 -> 2, n -> n - 2 (OpenCV's default border)."""
    if n == 1:
        return 0
    while p < 0 or p >= n:
        p = -p if p < 0 else 2 * n - 2 - p
    return p


def convolve(img, kernel):
    """out[y][x][c] = sum_ij K[i][j] * img[y + i - r][x + j - s][c] (a sliding dot
    product; reflect-101 borders; alpha kept), with K as integers over 2^shift."""
    kh, kw = len(kernel), len(kernel[0])
    shift = kernel_shift([w for row in kernel for w in row], 255)
    q = [[round(w * 2.0 ** shift) for w in row] for row in kernel]
    h, width, ch = len(img), len(img[0]), len(img[0][0])
    out = []
    for y in range(h):
        row = []
        for x in range(width):
            px = []
            for c in range(min(ch, 3)):
                s = 1 << (shift - 1) if shift > 0 else 0  # 1/2, to round
                for i in range(kh):
                    yy = reflect101(y + i - kh // 2, h)
                    for j in range(kw):
                        xx = reflect101(x + j - kw // 2, width)
                        s += q[i][j] * img[yy][xx][c]
                px.append(_clamp(s >> shift))
            px.extend(img[y][x][3:])
            row.append(px)
        out.append(row)
    return out


def convolve_separable(img, ky, kx):
    """The same for the kernel outer(ky, kx), in two 1-D passes: rows with kx,
    kept as integers over 2^mid, then columns with ky."""
    norm = sum(abs(w) for w in kx)
    if norm > 0:
        kx, ky = [w / norm for w in kx], [w * norm for w in ky]  # now sum |kx| = 1
    sx = kernel_shift(kx, 255)
    qx = [round(w * 2.0 ** sx) for w in kx]
    mid = min(7, sx - 1)  # fraction bits kept between the passes: the sums must fit int16
    while mid >= 0 and (255 * sum(abs(v) for v in qx) + 2.0 ** (sx - mid - 1)) / 2.0 ** (sx - mid) >= 32767:
        mid -= 1
    sy = min(kernel_shift(ky, 32767), 30 - mid)
    while sy >= 0 and 32767 * sum(abs(round(w * 2.0 ** sy)) for w in ky) + 2.0 ** (sy + mid) >= 2 ** 31:
        sy -= 1
    qy = [round(w * 2.0 ** sy) for w in ky]
    h, width, ch = len(img), len(img[0]), len(img[0][0])
    nc = min(ch, 3)
    # pass 1: t[y][x][c] = sum_j qx[j] * img[y][x + j - r][c], rounded to 2^mid units
    t = []
    for y in range(h):
        row = []
        for x in range(width):
            px = []
            for c in range(nc):
                s = 1 << (sx - mid - 1)
                for j in range(len(qx)):
                    s += qx[j] * img[y][reflect101(x + j - len(qx) // 2, width)][c]
                px.append(max(-32768, min(32767, s >> (sx - mid))))
            row.append(px)
        t.append(row)
    # pass 2: out[y][x][c] = sum_i qy[i] * t[y + i - r][x][c], back to 0..255
    out = []
    for y in range(h):
        row = []
        for x in range(width):
            px = []
            for c in range(nc):
                s = 1 << (sy + mid - 1) if sy + mid > 0 else 0
                for i in range(len(qy)):
                    s += qy[i] * t[reflect101(y + i - len(qy) // 2, h)][x][c]
                px.append(_clamp(s >> (sy + mid)))
            px.extend(img[y][x][3:])
            row.append(px)
        out.append(row)
    return out


def _clamp(v):
    """v saturated to 0..255, as uint8 arithmetic in image code does."""
    return 0 if v < 0 else (255 if v > 255 else v)
