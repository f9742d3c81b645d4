"""Matrix multiplication in plain Python: the definition, loop by loop."""

from fastla.naive._lists import as_matrix


def matmul(A, B):
    """C[i][j] = sum_l A[i][l] * B[l][j]: row i of A against column j of B.
    A is m x k and B is k x n (lists of rows); C is m x n."""
    A, _ = as_matrix(A, "A")
    B, _ = as_matrix(B, "B")
    k = len(A[0]) if A else 0
    if len(B) != k:
        raise ValueError(f"matmul: A has {k} columns but B has {len(B)} rows")
    n = len(B[0]) if B else 0
    C = []
    for i in range(len(A)):
        row = []
        for j in range(n):
            total = 0.0
            for l in range(k):
                total += A[i][l] * B[l][j]
            row.append(total)
        C.append(row)
    return C
