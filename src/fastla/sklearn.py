"""scikit-learn estimators on fastla's kernels (the optional extra: pip install "fastla[sklearn]").

    from fastla.sklearn import PCA, TruncatedSVD
    Z = PCA(n_components=10).fit_transform(X)     # a drop-in for sklearn.decomposition.PCA
    Z = TruncatedSVD(n_components=10).fit_transform(X)   # ... and for TruncatedSVD

`PCA` and `TruncatedSVD` are real scikit-learn transformers: they clone, pipeline,
grid-search, keep float32 as float32 and pass `sklearn.utils.estimator_checks.check_estimator`.
The arithmetic is fastla's: PCA's fit is `fastla.pca` (the covariance matrix by fastla's
GEMM, its eigenpairs by fastla's Jacobi `eigh`, the approach scikit-learn calls
"covariance_eigh"); TruncatedSVD's is `fastla.randomized_svd` or `fastla.svd` (one-sided
Jacobi); transform / inverse_transform are `fastla.matmul`. scikit-learn only validates
the input and supplies the estimator protocol.

Importing `fastla` never imports scikit-learn; only this module does.
"""

import numbers

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
    from sklearn.utils import check_random_state
    from sklearn.utils.validation import check_array, check_is_fitted, validate_data
except ImportError as exc:  # validate_data is new in scikit-learn 1.6
    raise ImportError(
        'fastla.sklearn needs scikit-learn >= 1.6; install it with: pip install "fastla[sklearn]"'
    ) from exc

import fastla

__all__ = ["PCA", "TruncatedSVD"]


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis on fastla's kernels, like
    `sklearn.decomposition.PCA(svd_solver="full")` with the same fitted attributes,
    sign convention (the largest |entry| of each component is positive) and results.

    Parameters
    ----------
    n_components : int, float in (0, 1) or None
        int: how many components to keep (0 to min(n_samples, n_features)).
        float: keep the fewest components whose explained variance ratios add up to
        more than this fraction. None: keep min(n_samples, n_features).
    whiten : bool
        If True, transform scales each component to unit variance.
    copy : bool
        Accepted for compatibility with scikit-learn's PCA. fastla never overwrites
        the input, so it has no effect.

    Attributes
    ----------
    components_ : (n_components_, n_features) principal axes, as rows, by decreasing variance
    explained_variance_ : (n_components_,) variance along each (denominator n_samples - 1)
    explained_variance_ratio_ : (n_components_,) each as a fraction of the total variance
    singular_values_ : (n_components_,) the singular values of the centred X
    mean_ : (n_features,) the column means of the training data
    n_components_, n_samples_, n_features_in_, feature_names_in_ (for named columns)
    noise_variance_ : mean variance of the discarded directions (probabilistic PCA), else 0

    The fit forms the n_features x n_features covariance matrix and diagonalises it
    in full: cost O(n_samples n_features^2 + n_features^3), so it suits data with
    up to a few thousand features. Sparse input is not supported.
    """

    def __init__(self, n_components=None, *, whiten=False, copy=True):
        self.n_components = n_components
        self.whiten = whiten
        self.copy = copy

    def fit(self, X, y=None):
        """Fit the model to X (n_samples, n_features); y is ignored. Returns self."""
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit the model to X and return X projected on the components."""
        return self._transform(self._fit(X))

    def transform(self, X):
        """Project X (n_samples, n_features) on the components: (n_samples, n_components_)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._transform(X)

    def inverse_transform(self, X):
        """Map X (n_samples, n_components_) back to the original space: X components_ + mean_
        (undoing the whitening first when whiten=True)."""
        check_is_fitted(self)
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        if X.shape[1] != self.n_components_:
            raise ValueError(f"X has {X.shape[1]} columns; expected n_components_ = "
                             f"{self.n_components_}")
        components = self.components_
        if self.whiten:
            components = np.sqrt(self.explained_variance_)[:, np.newaxis] * components
        return fastla.matmul(X, components) + self.mean_

    @property
    def _n_features_out(self):
        """How many columns transform returns (read by get_feature_names_out)."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _fit(self, X):
        """Set the fitted attributes; return the validated X."""
        self._check_params()
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        n_samples, n_features = X.shape
        n_max = min(n_samples, n_features)

        # All eigenpairs, by decreasing variance: the discarded ones give the total
        # variance and noise_variance_. Negative rounding noise is already clipped to 0.
        components, variance, mean = fastla.pca(X, n_max)
        ratio = variance / variance.sum()

        n_components = self.n_components
        if n_components is None:
            n_components = n_max
        elif isinstance(n_components, numbers.Integral):
            if n_components > n_max:
                raise ValueError(f"n_components={n_components} must be between 0 and "
                                 f"min(n_samples, n_features)={n_max}")
        else:
            # The fewest components whose ratios add up to more than the fraction,
            # as scikit-learn counts them (side="right"); rounding can leave the
            # last partial sum just below 1, hence the cap.
            cumulative = np.cumsum(ratio)
            n_components = min(int(np.searchsorted(cumulative, n_components, side="right")) + 1,
                               n_max)

        self.n_samples_ = n_samples
        self.n_components_ = n_components
        self.mean_ = mean
        self.components_ = components[:n_components].copy()
        self.explained_variance_ = variance[:n_components].copy()
        self.explained_variance_ratio_ = ratio[:n_components].copy()
        self.singular_values_ = np.sqrt(self.explained_variance_ * (n_samples - 1))
        # Probabilistic PCA's maximum-likelihood noise (Bishop, eq. 12.46).
        self.noise_variance_ = variance[n_components:].mean() if n_components < n_max else 0.0
        return X

    def _check_params(self):
        n = self.n_components
        is_int = isinstance(n, numbers.Integral) and not isinstance(n, bool)
        is_fraction = (isinstance(n, numbers.Real) and not isinstance(n, numbers.Integral)
                       and 0 < n < 1)
        if not (n is None or (is_int and n >= 0) or is_fraction):
            raise ValueError(f"n_components={n!r}: expected None, an int >= 0 or a float "
                             "in (0, 1)")
        for name in ("whiten", "copy"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name}={getattr(self, name)!r}: expected True or False")

    def _transform(self, X):
        # (X - mean_) components_.T, without a centred copy of X.
        projected = fastla.matmul(X, self.components_.T)
        projected -= fastla.matmul(self.mean_, self.components_.T)
        if self.whiten:
            # A component of (near) zero variance would blow up: clip its scale, as
            # scikit-learn does.
            scale = np.sqrt(self.explained_variance_)
            np.maximum(scale, np.finfo(scale.dtype).eps, out=scale)
            projected /= scale
        return projected


class TruncatedSVD(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Dimensionality reduction by truncated SVD (latent semantic analysis) on fastla's
    kernels, like `sklearn.decomposition.TruncatedSVD`: the same parameters (all but
    power_iteration_normalizer), fitted attributes, sign convention and results.
    Unlike PCA, the data are not centred.

    Parameters
    ----------
    n_components : int
        How many singular vectors to keep (1 to min(n_samples, n_features)).
    algorithm : {"randomized", "full", "arpack"}
        "randomized": `fastla.randomized_svd`, the range finder of Halko, Martinsson
        & Tropp, drawing its Gaussian test matrix from `random_state` as scikit-learn
        does (the same seed gives the same matrix). "full": the exact SVD by
        `fastla.svd`, truncated. "arpack" is accepted as a synonym of "full": it
        computes the exact truncated SVD too, without ARPACK.
    n_iter : int
        Power iterations of the randomized algorithm (ignored otherwise).
    n_oversamples : int
        Extra random directions of the randomized algorithm (ignored otherwise).
    random_state : None, int or numpy.random.RandomState
        The random test matrix of the randomized algorithm.
    tol : float >= 0
        Accepted for compatibility (ARPACK's tolerance in scikit-learn); fastla's SVD
        always converges to machine precision, so it has no effect.

    Attributes
    ----------
    components_ : (n_components, n_features) right singular vectors, as rows, each
        with its largest |entry| positive (scikit-learn's
        svd_flip(u_based_decision=False))
    explained_variance_ : (n_components,) variance of the training data along each
    explained_variance_ratio_ : (n_components,) each as a fraction of the total variance
    singular_values_ : (n_components,) the largest singular values, descending
    n_features_in_, feature_names_in_ (for named columns)

    Input: dense arrays, float32 kept as float32. Sparse input (scipy.sparse) is
    accepted only while it is small: it is converted to a dense array when it has at
    most `max_dense_size` entries (n_samples * n_features, 10 million by default);
    larger sparse input raises TypeError, since fastla's kernels work on dense data.
    """

    max_dense_size = 10_000_000  # entries of a sparse X that may be made dense

    def __init__(self, n_components=2, *, algorithm="randomized", n_iter=5, n_oversamples=10,
                 random_state=None, tol=0.0):
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.random_state = random_state
        self.tol = tol

    def fit(self, X, y=None):
        """Fit the model to X (n_samples, n_features); y is ignored. Returns self."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit the model to X and return X reduced: (n_samples, n_components)."""
        self._check_params()
        X = self._validate(X, reset=True)
        n_samples, n_features = X.shape
        k = self.n_components
        if k > min(n_samples, n_features):
            raise ValueError(f"n_components={k} must be between 1 and "
                             f"min(n_samples, n_features)={min(n_samples, n_features)}")
        if self.algorithm == "randomized":
            _, s, Vt = fastla.randomized_svd(X, k, n_oversamples=self.n_oversamples,
                                             n_iter=self.n_iter,
                                             random_state=check_random_state(self.random_state),
                                             check_finite=False)
            # an approximation: X V is not U S, and only X V is what transform gives
            self.components_ = Vt
            X_transformed = fastla.matmul(X, Vt.T)
        else:
            U, s, Vt = fastla.svd(X, check_finite=False)
            self.components_ = Vt[:k].copy()
            X_transformed = U[:, :k] * s[:k]
            s = s[:k].copy()
        self.singular_values_ = s
        self.explained_variance_ = np.var(X_transformed, axis=0)
        self.explained_variance_ratio_ = self.explained_variance_ / np.var(X, axis=0).sum()
        return X_transformed

    def transform(self, X):
        """Reduce X (n_samples, n_features): X components_^T, (n_samples, n_components)."""
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return fastla.matmul(X, self.components_.T)

    def inverse_transform(self, X):
        """Map X (n_samples, n_components) back to the original space: X components_."""
        check_is_fitted(self)
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        if X.shape[1] != self.components_.shape[0]:
            raise ValueError(f"X has {X.shape[1]} columns; expected n_components = "
                             f"{self.components_.shape[0]}")
        return fastla.matmul(X, self.components_)

    @property
    def _n_features_out(self):
        """How many columns transform returns (read by get_feature_names_out)."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # small sparse input, made dense
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _validate(self, X, reset):
        """X as a dense float64 or float32 array; sparse X only if small enough."""
        X = validate_data(self, X, accept_sparse=True, dtype=[np.float64, np.float32],
                          ensure_min_features=2 if reset else 1, reset=reset)
        if hasattr(X, "toarray"):  # scipy.sparse
            size = X.shape[0] * X.shape[1]
            if size > self.max_dense_size:
                raise TypeError(
                    f"TruncatedSVD: sparse X of shape {X.shape} has {size} entries; fastla "
                    f"works on dense data and converts sparse input only up to "
                    f"max_dense_size={self.max_dense_size} entries. Use "
                    "sklearn.decomposition.TruncatedSVD for large sparse data.")
            X = X.toarray()
        return X

    def _check_params(self):
        n = self.n_components
        if not (isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1):
            raise ValueError(f"n_components={n!r}: expected an int >= 1")
        if self.algorithm not in ("randomized", "full", "arpack"):
            raise ValueError(f"algorithm={self.algorithm!r}: expected 'randomized', 'full' "
                             "or 'arpack'")
        for name, low in (("n_iter", 0), ("n_oversamples", 1)):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
                    and value >= low):
                raise ValueError(f"{name}={value!r}: expected an int >= {low}")
        tol = self.tol
        if not (isinstance(tol, numbers.Real) and not isinstance(tol, bool) and tol >= 0):
            raise ValueError(f"tol={tol!r}: expected a number >= 0")
