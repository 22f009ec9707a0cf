"""A table of indefinite integrals with known antiderivatives, by family.

Textbook tables (polynomials, rational functions, algebraic functions, trigonometric,
exponential and logarithmic, hyperbolic, special functions) and the integrals of the
book's chapters (sigmoid, softplus, Gaussian and Laplace densities, entropy terms).
Each entry is ``(family, integrand, antiderivative)`` as text that ``symml.parse``
reads; every antiderivative is checked by differentiation at 40 digits in
``test_integral_portfolio.py``. The variable is ``x``; ``a`` and ``b`` are parameters.
"""

from __future__ import annotations

from math import comb, factorial

#: ``(family, integrand, antiderivative)``.
Entry = tuple[str, str, str]

POLYNOMIAL: tuple[Entry, ...] = (
    ("polynomial", "x**5", "x**6/6"),
    ("polynomial", "3*x**2 - 4*x + 7", "x**3 - 2*x**2 + 7*x"),
    ("polynomial", "(2*x + 1)**7", "(2*x + 1)**8/16"),
    ("polynomial", "x*(x**2 + 1)**4", "(x**2 + 1)**5/10"),
    ("polynomial", "(x - 1)*(x + 2)*(x - 3)", "x**4/4 - 2*x**3/3 - 5*x**2/2 + 6*x"),
    ("polynomial", "x**7 - x**3/4 + 1/5", "x**8/8 - x**4/16 + x/5"),
    ("polynomial", "x**2*(x**3 + 2)**5", "(x**3 + 2)**6/18"),
    ("polynomial", "x**4*(1 - x)**2", "x**5/5 - x**6/3 + x**7/7"),
    ("polynomial", "(x + 1)**3*(x - 1)", "(x + 1)**5/5 - (x + 1)**4/2"),
    ("polynomial", "(5*x - 3)**4", "(5*x - 3)**5/25"),
    ("power", "sqrt(x)", "2*x**(3/2)/3"),
    ("power", "x**(-3)", "-1/(2*x**2)"),
    ("power", "1/sqrt(x)", "2*sqrt(x)"),
    ("power", "x**(2/3)", "3*x**(5/3)/5"),
    ("power", "(x**2 + 1)**2/x**4", "x - 2/x - 1/(3*x**3)"),
    ("power", "x**3*sqrt(x)", "2*x**(9/2)/9"),
    ("power", "(1 + sqrt(x))**2", "x + 4*x**(3/2)/3 + x**2/2"),
    ("power", "(3*x - 2)**(5/2)", "2*(3*x - 2)**(7/2)/21"),
    ("power", "x/(x**2 + 1)**3", "-1/(4*(x**2 + 1)**2)"),
    ("power", "x**(1/3)", "3*x**(4/3)/4"),
    ("power", "x**(-5/2)", "-2/(3*x**(3/2))"),
    ("power", "1/x", "log(x)"),
    ("power", "1/(2*x + 3)", "log(2*x + 3)/2"),
    ("power", "(x**(1/3) + 1)/x**(1/2)", "6*x**(5/6)/5 + 2*sqrt(x)"),
    ("power", "x**(3/4) - x**(-1/4)", "4*x**(7/4)/7 - 4*x**(3/4)/3"),
)

RATIONAL: tuple[Entry, ...] = (
    ("rational", "1/(x**2 + 1)", "atan(x)"),
    ("rational", "1/(x**2 + 4)", "atan(x/2)/2"),
    ("rational", "1/(x**2 - 1)", "log(x - 1)/2 - log(x + 1)/2"),
    ("rational", "x/(x**2 + 1)", "log(x**2 + 1)/2"),
    ("rational", "1/(x*(x + 1))", "log(x) - log(x + 1)"),
    ("rational", "(2*x + 3)/(x**2 + 3*x + 2)", "log(x**2 + 3*x + 2)"),
    ("rational", "1/(x**2 + 2*x + 5)", "atan((x + 1)/2)/2"),
    (
        "rational",
        "1/(x**3 + 1)",
        "log(x + 1)/3 - log(x**2 - x + 1)/6 + sqrt(3)*atan((2*x - 1)/sqrt(3))/3",
    ),
    (
        "rational",
        "1/(x**4 + 1)",
        "sqrt(2)*log((x**2 + sqrt(2)*x + 1)/(x**2 - sqrt(2)*x + 1))/8 + sqrt(2)*(atan(sqrt(2)*x + 1) + atan(sqrt(2)*x - 1))/4",
    ),
    (
        "rational",
        "x**2/(x**4 + 1)",
        "sqrt(2)*log((x**2 - sqrt(2)*x + 1)/(x**2 + sqrt(2)*x + 1))/8 + sqrt(2)*(atan(sqrt(2)*x + 1) + atan(sqrt(2)*x - 1))/4",
    ),
    ("rational", "1/(x**2 + 1)**2", "x/(2*(x**2 + 1)) + atan(x)/2"),
    ("rational", "x**3/(x**2 + 1)", "x**2/2 - log(x**2 + 1)/2"),
    ("rational", "x**4/(x**2 + 1)", "x**3/3 - x + atan(x)"),
    ("rational", "1/(x**2 - 5*x + 6)", "log(x - 3) - log(x - 2)"),
    ("rational", "1/(3*x**2 + 2)", "sqrt(6)*atan(sqrt(6)*x/2)/6"),
    ("rational", "x/(3*x**4 + 2)", "sqrt(6)*atan(sqrt(6)*x**2/2)/12"),
    ("rational", "x**3/(3*x**4 + 2)", "log(3*x**4 + 2)/12"),
    ("rational", "1/(x**2 + x + 1)", "2*sqrt(3)*atan((2*x + 1)/sqrt(3))/3"),
    (
        "rational",
        "(x + 1)/(x**2 + x + 1)",
        "log(x**2 + x + 1)/2 + sqrt(3)*atan((2*x + 1)/sqrt(3))/3",
    ),
    ("rational", "1/(x*(x**2 + 1))", "log(x) - log(x**2 + 1)/2"),
    ("rational", "1/(x**2*(x + 1))", "-1/x - log(x) + log(x + 1)"),
    ("rational", "(x**2 + 1)/(x**3 - x)", "-log(x) + log(x - 1) + log(x + 1)"),
    ("rational", "1/(x - 1)**3", "-1/(2*(x - 1)**2)"),
    ("rational", "x/(x - 1)**2", "log(x - 1) - 1/(x - 1)"),
    ("rational", "1/(x**4 - 1)", "log(x - 1)/4 - log(x + 1)/4 - atan(x)/2"),
    ("rational", "x**2/(x**2 - 4)", "x + log(x - 2) - log(x + 2)"),
    ("rational", "(3*x + 5)/(x**2 + 4*x + 13)", "3*log(x**2 + 4*x + 13)/2 - atan((x + 2)/3)/3"),
    ("rational", "1/((x + 1)*(x + 2)*(x + 3))", "log(x + 1)/2 - log(x + 2) + log(x + 3)/2"),
    ("rational", "x**5/(x**3 + 1)", "x**3/3 - log(x**3 + 1)/3"),
    (
        "rational",
        "1/(x**3 + 8)",
        "log(x + 2)/12 - log(x**2 - 2*x + 4)/24 + sqrt(3)*atan((x - 1)/sqrt(3))/12",
    ),
    ("rational", "(2*x**3 + 1)/(x**4 + 2*x + 1)", "log(x**4 + 2*x + 1)/2"),
    ("rational", "1/(4*x**2 + 9)", "atan(2*x/3)/6"),
    ("rational", "1/(9 - x**2)", "log(x + 3)/6 - log(x - 3)/6"),
    ("rational", "(x**2 + 2)/(x + 1)", "x**2/2 - x + 3*log(x + 1)"),
    ("rational", "1/(x**2 + 1)**3", "x/(4*(x**2 + 1)**2) + 3*x/(8*(x**2 + 1)) + 3*atan(x)/8"),
    ("rational", "x**2/(x**2 + 1)**2", "atan(x)/2 - x/(2*(x**2 + 1))"),
    (
        "rational",
        "1/(x**6 + 1)",
        "atan(x)/3 + atan(2*x + sqrt(3))/6 + atan(2*x - sqrt(3))/6 + sqrt(3)*log((x**2 + sqrt(3)*x + 1)/(x**2 - sqrt(3)*x + 1))/12",
    ),
    (
        "rational",
        "(x + 2)/(x**3 - 1)",
        "log(x - 1) - log(x**2 + x + 1)/2 - sqrt(3)*atan((2*x + 1)/sqrt(3))/3",
    ),
    ("rational", "1/(2*x**2 + 3*x + 5)", "2*sqrt(31)*atan((4*x + 3)/sqrt(31))/31"),
    (
        "rational",
        "(7*x**2 - 3*x + 2)/(x**3 + 2*x)",
        "log(x) + 3*log(x**2 + 2) - 3*sqrt(2)*atan(x/sqrt(2))/2",
    ),
    (
        "rational",
        "1/(5*x**4 + 3)",
        "-sqrt(2)*375**(1/4)*log(x**2 - sqrt(2)*375**(1/4)*x/5 + sqrt(15)/5)/120 + sqrt(2)*375**(1/4)*log(x**2 + sqrt(2)*375**(1/4)*x/5 + sqrt(15)/5)/120 + sqrt(2)*3**(1/4)*5**(3/4)*atan(sqrt(2)*3**(3/4)*5**(1/4)*x/3 - 1)/60 + sqrt(2)*3**(1/4)*5**(3/4)*atan(sqrt(2)*3**(3/4)*5**(1/4)*x/3 + 1)/60",
    ),
    (
        "rational",
        "(2*x**3 - x + 4)/(5*x**4 + 3)",
        "log(5*x**4 + 3)/10 - sqrt(2)*375**(1/4)*log(x**2 - sqrt(2)*375**(1/4)*x/5 + sqrt(15)/5)/30 + sqrt(2)*375**(1/4)*log(x**2 + sqrt(2)*375**(1/4)*x/5 + sqrt(15)/5)/30 - sqrt(15)*atan(sqrt(15)*x**2/3)/30 + sqrt(2)*3**(1/4)*5**(3/4)*atan(sqrt(2)*3**(3/4)*5**(1/4)*x/3 - 1)/15 + sqrt(2)*3**(1/4)*5**(3/4)*atan(sqrt(2)*3**(3/4)*5**(1/4)*x/3 + 1)/15",
    ),
    (
        "rational",
        "(x**3 + x + 1)/(x**4 + 2)",
        "log(x**4 + 2)/4 - 2**(3/4)*log(x**2 - 2**(3/4)*x + sqrt(2))/16 + 2**(3/4)*log(x**2 + 2**(3/4)*x + sqrt(2))/16 + sqrt(2)*atan(sqrt(2)*x**2/2)/4 + 2**(3/4)*atan(2**(1/4)*x - 1)/8 + 2**(3/4)*atan(2**(1/4)*x + 1)/8",
    ),
    (
        "rational",
        "(3*x**3 - 2*x**2 + x - 5)/(2*x**4 + 7)",
        "3*log(2*x**4 + 7)/8 - 14**(3/4)*log(x**2 - 14**(1/4)*x + sqrt(14)/2)/56 + 5*14**(1/4)*log(x**2 - 14**(1/4)*x + sqrt(14)/2)/56 - 5*14**(1/4)*log(x**2 + 14**(1/4)*x + sqrt(14)/2)/56 + 14**(3/4)*log(x**2 + 14**(1/4)*x + sqrt(14)/2)/56 + sqrt(14)*atan(sqrt(14)*x**2/7)/28 - 5*14**(1/4)*atan(14**(3/4)*x/7 - 1)/28 - 14**(3/4)*atan(14**(3/4)*x/7 - 1)/28 - 5*14**(1/4)*atan(14**(3/4)*x/7 + 1)/28 - 14**(3/4)*atan(14**(3/4)*x/7 + 1)/28",
    ),
    (
        "rational",
        "x**3*(7*x/3 + 5/2)**4/(3*x**4 + 2)",
        "2401*x**4/972 + 3430*x**3/243 + 1225*x**2/36 + 875*x/18 + 75043*log(3*x**4 + 2)/46656 - 1715*6**(1/4)*log(x**2 - 6**(3/4)*x/3 + sqrt(6)/3)/486 + 875*6**(3/4)*log(x**2 - 6**(3/4)*x/3 + sqrt(6)/3)/432 - 875*6**(3/4)*log(x**2 + 6**(3/4)*x/3 + sqrt(6)/3)/432 + 1715*6**(1/4)*log(x**2 + 6**(3/4)*x/3 + sqrt(6)/3)/486 - 1225*sqrt(6)*atan(sqrt(6)*x**2/2)/108 - 875*6**(3/4)*atan(6**(1/4)*x - 1)/216 - 1715*6**(1/4)*atan(6**(1/4)*x - 1)/243 - 875*6**(3/4)*atan(6**(1/4)*x + 1)/216 - 1715*6**(1/4)*atan(6**(1/4)*x + 1)/243",
    ),
    ("rational", "(x**2 - 1)/(x**4 + x**2 + 1)", "log((x**2 - x + 1)/(x**2 + x + 1))/2"),
    ("rational", "(x**4 + 1)/(x**6 + 1)", "atan(x) + atan(x**3)/3"),
    ("rational", "x/(x**4 + 4*x**2 + 3)", "log(x**2 + 1)/4 - log(x**2 + 3)/4"),
    (
        "rational",
        "(5*x**3 + 2*x - 1)/(3*x**4 + 4)",
        "5*log(3*x**4 + 4)/12 + 3**(3/4)*log(x**2 - 2*3**(3/4)*x/3 + 2*sqrt(3)/3)/48 - 3**(3/4)*log(x**2 + 2*3**(3/4)*x/3 + 2*sqrt(3)/3)/48 + sqrt(3)*atan(sqrt(3)*x**2/2)/6 - 3**(3/4)*atan(3**(1/4)*x - 1)/24 - 3**(3/4)*atan(3**(1/4)*x + 1)/24",
    ),
    ("rational", "(3*x**2 + 4*x)/(x**3 + 2*x**2 + 5)", "log(x**3 + 2*x**2 + 5)"),
    (
        "rational",
        "(4*x**3 + 3*x**2 + 2*x + 1)/(x**4 + x**3 + x**2 + x + 1)",
        "log(x**4 + x**3 + x**2 + x + 1)",
    ),
    (
        "rational",
        "(x**3 + 2)/(2*x**4 + 3*x**2 + 5)",
        "log(x**4 + 3*x**2/2 + 5/2)/8 + sqrt(3/620 + sqrt(10)/310)*log(x**2 + x*(-6*sqrt(62)*sqrt(3 + 2*sqrt(10))/31 + 13*sqrt(155)*sqrt(3 + 2*sqrt(10))/620 + 9*sqrt(155)*sqrt(3 + 2*sqrt(10))*sqrt(12*sqrt(10) + 49)/620) - 1273*sqrt(12*sqrt(10) + 49)/1240 + 9*sqrt(10)*sqrt(12*sqrt(10) + 49)/1240 + 3639/1240 + 3139*sqrt(10)/1240) - sqrt(3/620 + sqrt(10)/310)*log(x**2 + x*(-9*sqrt(155)*sqrt(3 + 2*sqrt(10))*sqrt(12*sqrt(10) + 49)/620 - 13*sqrt(155)*sqrt(3 + 2*sqrt(10))/620 + 6*sqrt(62)*sqrt(3 + 2*sqrt(10))/31) - 1273*sqrt(12*sqrt(10) + 49)/1240 + 9*sqrt(10)*sqrt(12*sqrt(10) + 49)/1240 + 3639/1240 + 3139*sqrt(10)/1240) - 3*sqrt(31)*atan(4*sqrt(31)*x**2/31 + 3*sqrt(31)/31)/124 + 2*sqrt(-sqrt(12*sqrt(10) + 49)/310 + 3/620 + 3*sqrt(10)/310)*atan(8*sqrt(155)*x/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) - 24*sqrt(10)*sqrt(3 + 2*sqrt(10))/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) + 13*sqrt(3 + 2*sqrt(10))/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) + 9*sqrt(3 + 2*sqrt(10))*sqrt(12*sqrt(10) + 49)/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)))) + 2*sqrt(-sqrt(12*sqrt(10) + 49)/310 + 3/620 + 3*sqrt(10)/310)*atan(8*sqrt(155)*x/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) - 9*sqrt(3 + 2*sqrt(10))*sqrt(12*sqrt(10) + 49)/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) - 13*sqrt(3 + 2*sqrt(10))/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))) + 24*sqrt(10)*sqrt(3 + 2*sqrt(10))/(3*sqrt(12*sqrt(10) + 49)*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10)) + 31*sqrt(-2*sqrt(12*sqrt(10) + 49) + 3 + 6*sqrt(10))))",
    ),
    (
        "rational",
        "(x**2 + x)/(x**4 + 3)",
        "sqrt(2)*3**(3/4)*log(x**2 - sqrt(2)*3**(1/4)*x + sqrt(3))/24 - sqrt(2)*3**(3/4)*log(x**2 + sqrt(2)*3**(1/4)*x + sqrt(3))/24 + sqrt(3)*atan(sqrt(3)*x**2/3)/6 + sqrt(2)*3**(3/4)*atan(sqrt(2)*3**(3/4)*x/3 - 1)/12 + sqrt(2)*3**(3/4)*atan(sqrt(2)*3**(3/4)*x/3 + 1)/12",
    ),
    (
        "rational",
        "(2*x**3 + 3*x**2 - x + 1)/(x**4 + 5)",
        "log(x**4 + 5)/2 - sqrt(2)*5**(1/4)*log(x**2 - sqrt(2)*5**(1/4)*x + sqrt(5))/40 + 3*sqrt(2)*5**(3/4)*log(x**2 - sqrt(2)*5**(1/4)*x + sqrt(5))/40 - 3*sqrt(2)*5**(3/4)*log(x**2 + sqrt(2)*5**(1/4)*x + sqrt(5))/40 + sqrt(2)*5**(1/4)*log(x**2 + sqrt(2)*5**(1/4)*x + sqrt(5))/40 - sqrt(5)*atan(sqrt(5)*x**2/5)/10 + sqrt(2)*5**(1/4)*atan(sqrt(2)*5**(3/4)*x/5 - 1)/20 + 3*sqrt(2)*5**(3/4)*atan(sqrt(2)*5**(3/4)*x/5 - 1)/20 + sqrt(2)*5**(1/4)*atan(sqrt(2)*5**(3/4)*x/5 + 1)/20 + 3*sqrt(2)*5**(3/4)*atan(sqrt(2)*5**(3/4)*x/5 + 1)/20",
    ),
    (
        "rational",
        "x**2*(2*x + 3)**3/(x**4 + 3)",
        "4*x**2 + 36*x + 27*log(x**4 + 3)/2 + 9*sqrt(2)*3**(3/4)*log(x**2 - sqrt(2)*3**(1/4)*x + sqrt(3))/8 + 9*sqrt(2)*3**(1/4)*log(x**2 - sqrt(2)*3**(1/4)*x + sqrt(3))/2 - 9*sqrt(2)*3**(1/4)*log(x**2 + sqrt(2)*3**(1/4)*x + sqrt(3))/2 - 9*sqrt(2)*3**(3/4)*log(x**2 + sqrt(2)*3**(1/4)*x + sqrt(3))/8 - 4*sqrt(3)*atan(sqrt(3)*x**2/3) - 9*sqrt(2)*3**(1/4)*atan(sqrt(2)*3**(3/4)*x/3 - 1) + 9*sqrt(2)*3**(3/4)*atan(sqrt(2)*3**(3/4)*x/3 - 1)/4 - 9*sqrt(2)*3**(1/4)*atan(sqrt(2)*3**(3/4)*x/3 + 1) + 9*sqrt(2)*3**(3/4)*atan(sqrt(2)*3**(3/4)*x/3 + 1)/4",
    ),
    (
        "rational",
        "(x**3 - 3*x)/(x**4 + 2*x**2 + 3)",
        "log(x**4 + 2*x**2 + 3)/4 - sqrt(2)*atan(sqrt(2)*(x**2 + 1)/2)",
    ),
    (
        "rational",
        "(5*x**2 + 1)/((x**2 + 2)*(x**2 + 3))",
        "-9*sqrt(2)*atan(x/sqrt(2))/2 + 14*sqrt(3)*atan(x/sqrt(3))/3",
    ),
    (
        "rational",
        "(x**3 + 1)/(x**4 + 4)",
        "3*log(x**2 - 2*x + 2)/16 + 5*log(x**2 + 2*x + 2)/16 + atan(x - 1)/8 + atan(x + 1)/8",
    ),
    ("rational", "(4*x**3 + 1)/(x**4 + x + 1)", "log(x**4 + x + 1)"),
)

ALGEBRAIC: tuple[Entry, ...] = (
    ("algebraic", "1/sqrt(1 - x**2)", "asin(x)"),
    ("algebraic", "x/sqrt(1 - x**2)", "-sqrt(1 - x**2)"),
    ("algebraic", "1/sqrt(x**2 + 1)", "asinh(x)"),
    ("algebraic", "1/sqrt(x**2 - 1)", "log(x + sqrt(x**2 - 1))"),
    ("algebraic", "sqrt(1 - x**2)", "x*sqrt(1 - x**2)/2 + asin(x)/2"),
    ("algebraic", "sqrt(x**2 + 1)", "x*sqrt(x**2 + 1)/2 + asinh(x)/2"),
    ("algebraic", "x*sqrt(x + 1)", "2*(x + 1)**(5/2)/5 - 2*(x + 1)**(3/2)/3"),
    ("algebraic", "x/sqrt(2*x + 3)", "(2*x + 3)**(3/2)/6 - 3*sqrt(2*x + 3)/2"),
    ("algebraic", "1/(x*sqrt(x + 1))", "log(sqrt(x + 1) - 1) - log(sqrt(x + 1) + 1)"),
    ("algebraic", "sqrt(x + 1)/x", "2*sqrt(x + 1) + log(sqrt(x + 1) - 1) - log(sqrt(x + 1) + 1)"),
    ("algebraic", "1/(1 + sqrt(x))", "2*sqrt(x) - 2*log(1 + sqrt(x))"),
    ("algebraic", "1/(sqrt(x) + x)", "2*log(1 + sqrt(x))"),
    ("algebraic", "x**2/sqrt(x + 2)", "2*(x + 2)**(5/2)/5 - 8*(x + 2)**(3/2)/3 + 8*sqrt(x + 2)"),
    ("algebraic", "1/((x + 1)*sqrt(x))", "2*atan(sqrt(x))"),
    ("algebraic", "sqrt(x)/(x + 1)", "2*sqrt(x) - 2*atan(sqrt(x))"),
    ("algebraic", "x**3/sqrt(x**2 + 1)", "(x**2 + 1)**(3/2)/3 - sqrt(x**2 + 1)"),
    ("algebraic", "x*sqrt(x**2 + 4)", "(x**2 + 4)**(3/2)/3"),
    ("algebraic", "1/(x**2*sqrt(x**2 + 1))", "-sqrt(x**2 + 1)/x"),
    ("algebraic", "1/(x**2 + 1)**(3/2)", "x/sqrt(x**2 + 1)"),
    ("algebraic", "1/sqrt(4 - x**2)", "asin(x/2)"),
    ("algebraic", "1/sqrt(x**2 + 2*x + 5)", "asinh((x + 1)/2)"),
    ("algebraic", "x/(x + 1)**(1/3)", "3*(x + 1)**(5/3)/5 - 3*(x + 1)**(2/3)/2"),
    ("algebraic", "1/(x**(1/3) + 1)", "3*x**(2/3)/2 - 3*x**(1/3) + 3*log(x**(1/3) + 1)"),
    ("algebraic", "sqrt(3*x + 2)/(x + 1)", "2*sqrt(3*x + 2) - 2*atan(sqrt(3*x + 2))"),
    ("algebraic", "1/(x*sqrt(x**2 + 1))", "log(x) - log(1 + sqrt(x**2 + 1))"),
    ("algebraic", "sqrt(x)/(1 + x**(3/2))", "2*log(1 + x**(3/2))/3"),
    ("algebraic", "x/sqrt(x**4 + 1)", "asinh(x**2)/2"),
    ("algebraic", "(x + 1)/sqrt(x**2 + 2*x + 2)", "sqrt(x**2 + 2*x + 2)"),
    ("algebraic", "sqrt((1 + x)/x)", "sqrt(x)*sqrt(x + 1) + asinh(sqrt(x))"),
    ("algebraic", "1/(sqrt(x + 1) + sqrt(x))", "2*(x + 1)**(3/2)/3 - 2*x**(3/2)/3"),
    ("algebraic", "x**2*sqrt(1 - x**2)", "x*(2*x**2 - 1)*sqrt(1 - x**2)/8 + asin(x)/8"),
    ("algebraic", "1/(x*sqrt(1 - x**2))", "log(sqrt(1 - x**2) - 1)/2 - log(sqrt(1 - x**2) + 1)/2"),
    ("algebraic", "sqrt(2*x + 1)/(2*x + 5)", "sqrt(2*x + 1) - 2*atan(sqrt(2*x + 1)/2)"),
    (
        "algebraic",
        "(x + 2)/((x + 3)*sqrt(x + 1))",
        "2*sqrt(x + 1) - sqrt(2)*atan(sqrt(2)*sqrt(x + 1)/2)",
    ),
    (
        "algebraic",
        "1/((2*x + 1)*sqrt(x + 3))",
        "sqrt(10)*(log(sqrt(x + 3) - sqrt(10)/2) - log(sqrt(x + 3) + sqrt(10)/2))/10",
    ),
)

TRIGONOMETRIC: tuple[Entry, ...] = (
    ("trig", "sin(x)", "-cos(x)"),
    ("trig", "cos(3*x)", "sin(3*x)/3"),
    ("trig", "sec(x)**2", "tan(x)"),
    ("trig", "csc(x)**2", "-cot(x)"),
    ("trig", "sec(x)*tan(x)", "sec(x)"),
    ("trig", "csc(x)*cot(x)", "-csc(x)"),
    ("trig", "tan(x)", "-log(cos(x))"),
    ("trig", "cot(x)", "log(sin(x))"),
    ("trig", "sec(x)", "log(sec(x) + tan(x))"),
    ("trig", "csc(x)", "-log(csc(x) + cot(x))"),
    ("trig", "sin(x)**2", "x/2 - sin(2*x)/4"),
    ("trig", "cos(x)**2", "x/2 + sin(2*x)/4"),
    ("trig", "sin(x)**3", "cos(x)**3/3 - cos(x)"),
    ("trig", "cos(x)**3", "sin(x) - sin(x)**3/3"),
    ("trig", "sin(x)**2*cos(x)**2", "x/8 - sin(4*x)/32"),
    ("trig", "tan(x)**2", "tan(x) - x"),
    ("trig", "tan(x)**3", "tan(x)**2/2 + log(cos(x))"),
    ("trig", "sec(x)**3", "sec(x)*tan(x)/2 + log(sec(x) + tan(x))/2"),
    ("trig", "sec(x)**4", "tan(x) + tan(x)**3/3"),
    ("trig", "x*sin(x)", "sin(x) - x*cos(x)"),
    ("trig", "x*cos(x)", "x*sin(x) + cos(x)"),
    ("trig", "x**2*sin(x)", "-x**2*cos(x) + 2*x*sin(x) + 2*cos(x)"),
    ("trig", "x*sec(x)**2", "x*tan(x) + log(cos(x))"),
    ("trig", "sin(2*x)*cos(3*x)", "cos(x)/2 - cos(5*x)/10"),
    ("trig", "sin(x)*cos(x)", "sin(x)**2/2"),
    ("trig", "sin(x)/cos(x)**2", "1/cos(x)"),
    ("trig", "cos(x)/(1 + sin(x))", "log(1 + sin(x))"),
    ("trig", "1/(1 + cos(x))", "tan(x/2)"),
    ("trig", "1/(1 - sin(x))", "tan(x) + sec(x)"),
    ("trig", "1/(2 + cos(x))", "2*sqrt(3)*(atan(tan(x/2)/sqrt(3)) + pi*floor((x + pi)/(2*pi)))/3"),
    (
        "trig",
        "1/(2 + sin(x))",
        "2*sqrt(3)*(atan((2*tan(x/2) + 1)/sqrt(3)) + pi*floor((x + pi)/(2*pi)))/3",
    ),
    ("trig", "1/(5 + 4*cos(x))", "2*(atan(tan(x/2)/3) + pi*floor((x + pi)/(2*pi)))/3"),
    ("trig", "1/(3 + sin(x)**2)", "sqrt(3)*(atan(2*tan(x)/sqrt(3)) + pi*floor((x + pi/2)/pi))/6"),
    ("trig", "1/(1 + cos(x)**2)", "sqrt(2)*(atan(tan(x)/sqrt(2)) + pi*floor((x + pi/2)/pi))/2"),
    ("trig", "sin(x)/(1 + cos(x)**2)", "-atan(cos(x))"),
    ("trig", "cos(x)/(4 + sin(x)**2)", "atan(sin(x)/2)/2"),
    ("trig", "sin(x)**5", "-cos(x) + 2*cos(x)**3/3 - cos(x)**5/5"),
    ("trig", "sin(x)**3*cos(x)**2", "cos(x)**5/5 - cos(x)**3/3"),
    ("trig", "cot(x)**2", "-cot(x) - x"),
    ("trig", "csc(x)**3", "-csc(x)*cot(x)/2 - log(csc(x) + cot(x))/2"),
    ("trig", "1/(sin(x)*cos(x))", "log(tan(x))"),
    ("trig", "sin(x)**4", "3*x/8 - sin(2*x)/4 + sin(4*x)/32"),
    ("trig", "cos(x)**4", "3*x/8 + sin(2*x)/4 + sin(4*x)/32"),
    ("trig", "x*sin(x)**2", "x**2/4 - x*sin(2*x)/4 - cos(2*x)/8"),
    ("trig", "sin(x)*sin(2*x)", "sin(x)/2 - sin(3*x)/6"),
    ("trig", "tan(x)*sec(x)**3", "sec(x)**3/3"),
    ("trig", "cos(x)/sin(x)**2", "-1/sin(x)"),
    ("trig", "1/(1 + sin(x) + cos(x))", "log(1 + tan(x/2))"),
    (
        "trig",
        "1/(3 - 2*cos(x))",
        "2*sqrt(5)*(atan(sqrt(5)*tan(x/2)) + pi*floor((x + pi)/(2*pi)))/5",
    ),
    (
        "trig",
        "cos(x)**2/(1 + sin(x)**2)",
        "sqrt(2)*(atan(sqrt(2)*tan(x)) + pi*floor((x + pi/2)/pi)) - x",
    ),
    (
        "trig",
        "sin(x)/(2 + sin(x))",
        "x - 4*sqrt(3)*(atan(sqrt(3)*(2*tan(x/2) + 1)/3) + pi*floor((x - pi)/(2*pi)))/3",
    ),
    (
        "trig",
        "1/(2*sin(x) + 3*cos(x) + 4)",
        "2*sqrt(3)*(atan(sqrt(3)*(tan(x/2) + 2)/3) + pi*floor((x - pi)/(2*pi)))/3",
    ),
    ("trig", "sin(x)*cos(x)/(1 + sin(x)**4)", "atan(sin(x)**2)/2"),
    ("trig", "sqrt(1 - cos(x))*sin(x)", "2*(1 - cos(x))**(3/2)/3"),
    ("trig", "sec(x)**2/(1 + tan(x))", "log(1 + tan(x))"),
    ("trig", "sec(x)**2*tan(x)**3", "tan(x)**4/4"),
    ("trig", "exp(sin(x))*cos(x)", "exp(sin(x))"),
    ("trig", "sin(sqrt(x))", "2*sin(sqrt(x)) - 2*sqrt(x)*cos(sqrt(x))"),
    ("trig", "cos(log(x))", "x*(sin(log(x)) + cos(log(x)))/2"),
    ("trig", "x*cos(x**2)", "sin(x**2)/2"),
    ("trig", "sin(x)**2/cos(x)**4", "tan(x)**3/3"),
)

INVERSE_TRIG: tuple[Entry, ...] = (
    ("inverse trig", "atan(x)", "x*atan(x) - log(x**2 + 1)/2"),
    ("inverse trig", "asin(x)", "x*asin(x) + sqrt(1 - x**2)"),
    ("inverse trig", "acos(x)", "x*acos(x) - sqrt(1 - x**2)"),
    ("inverse trig", "x*atan(x)", "(x**2 + 1)*atan(x)/2 - x/2"),
    ("inverse trig", "atan(x)/(1 + x**2)", "atan(x)**2/2"),
    ("inverse trig", "asin(x)/sqrt(1 - x**2)", "asin(x)**2/2"),
    ("inverse trig", "acot(x)", "x*acot(x) + log(x**2 + 1)/2"),
    ("inverse trig", "x*asin(x)", "(2*x**2 - 1)*asin(x)/4 + x*sqrt(1 - x**2)/4"),
    ("inverse trig", "asinh(x)", "x*asinh(x) - sqrt(x**2 + 1)"),
    ("inverse trig", "acosh(x)", "x*acosh(x) - sqrt(x**2 - 1)"),
    ("inverse trig", "atanh(x)", "x*atanh(x) + log(1 - x**2)/2"),
    ("inverse trig", "atan(sqrt(x))", "(x + 1)*atan(sqrt(x)) - sqrt(x)"),
    ("inverse trig", "x**2*atan(x)", "x**3*atan(x)/3 - x**2/6 + log(x**2 + 1)/6"),
    ("inverse trig", "atan(1/x)", "x*atan(1/x) + log(x**2 + 1)/2"),
)

EXPONENTIAL: tuple[Entry, ...] = (
    ("exp", "exp(3*x)", "exp(3*x)/3"),
    ("exp", "2**x", "2**x/log(2)"),
    ("exp", "x*exp(x)", "(x - 1)*exp(x)"),
    ("exp", "x**2*exp(-x)", "-(x**2 + 2*x + 2)*exp(-x)"),
    ("exp", "exp(x)*sin(x)", "exp(x)*(sin(x) - cos(x))/2"),
    ("exp", "exp(2*x)*cos(3*x)", "exp(2*x)*(2*cos(3*x) + 3*sin(3*x))/13"),
    ("exp", "1/(1 + exp(x))", "x - log(1 + exp(x))"),
    ("exp", "exp(x)/(1 + exp(x))", "log(1 + exp(x))"),
    ("exp", "exp(x)/(1 + exp(2*x))", "atan(exp(x))"),
    ("exp", "exp(x)/(exp(2*x) + 3)", "sqrt(3)*atan(exp(x)/sqrt(3))/3"),
    ("exp", "1/(exp(x) + exp(-x))", "atan(exp(x))"),
    ("exp", "exp(x)*sqrt(1 + exp(x))", "2*(1 + exp(x))**(3/2)/3"),
    ("exp", "x*exp(x**2)", "exp(x**2)/2"),
    ("exp", "exp(sqrt(x))", "2*(sqrt(x) - 1)*exp(sqrt(x))"),
    ("exp", "exp(x)/(exp(x) - 1)**2", "-1/(exp(x) - 1)"),
    ("exp", "exp(2*x)/(1 + exp(x))", "exp(x) - log(1 + exp(x))"),
    ("exp", "1/(exp(x) + 1)**2", "x - log(exp(x) + 1) + 1/(exp(x) + 1)"),
    ("exp", "3**x*exp(x)", "3**x*exp(x)/(1 + log(3))"),
    (
        "exp",
        "2**x/(2 - 3*2**(2*x))",
        "sqrt(6)*(-log(2**x - sqrt(6)/3) + log(2**x + sqrt(6)/3))/(12*log(2))",
    ),
    ("exp", "2**x/(1 + 4**x)", "atan(2**x)/log(2)"),
    ("exp", "exp(x)/(exp(2*x) - 4)", "(log(exp(x) - 2) - log(exp(x) + 2))/4"),
    ("exp", "1/(exp(x) + 2)", "x/2 - log(exp(x) + 2)/2"),
    ("exp", "exp(3*x)/(exp(x) + 1)", "exp(2*x)/2 - exp(x) + log(exp(x) + 1)"),
    ("exp", "exp(x)/(exp(2*x) + 2*exp(x) + 5)", "atan((exp(x) + 1)/2)/2"),
    ("exp", "1/(2*exp(x) + 3*exp(-x))", "sqrt(6)*atan(sqrt(6)*exp(x)/3)/6"),
    ("exp", "(exp(x) + 1)/(exp(x) - 1)", "2*log(exp(x) - 1) - x"),
    ("exp", "5**x/(25**x + 9)", "atan(5**x/3)/(3*log(5))"),
    ("exp", "exp(x)*cos(exp(x))", "sin(exp(x))"),
    ("exp", "x**3*exp(x**2)", "(x**2 - 1)*exp(x**2)/2"),
    ("exp", "exp(-x)*cos(2*x)", "exp(-x)*(2*sin(2*x) - cos(2*x))/5"),
    ("exp", "exp(x)/(1 + exp(x))**3", "-1/(2*(1 + exp(x))**2)"),
    ("exp", "exp(x/2)/(1 + exp(x))", "2*atan(exp(x/2))"),
    ("exp", "(2**x + 3**x)/6**x", "-(2**(-x)/log(2) + 3**(-x)/log(3))"),
    ("exp", "exp(2*x)/sqrt(exp(x) + 1)", "2*(exp(x) + 1)**(3/2)/3 - 2*sqrt(exp(x) + 1)"),
    ("exp", "1/(3 + 2*exp(x))**2", "x/9 - log(exp(x) + 3/2)/9 + 1/(3*(2*exp(x) + 3))"),
    ("exp", "exp(x)/(exp(2*x) + exp(x) + 1)", "2*sqrt(3)*atan((2*exp(x) + 1)/sqrt(3))/3"),
    ("exp", "4**x/(1 - 2**x)", "-(2**x + log(2**x - 1))/log(2)"),
    ("exp", "exp(2*x)/(exp(4*x) + 3)", "sqrt(3)*atan(exp(2*x)/sqrt(3))/6"),
)

LOGARITHMIC: tuple[Entry, ...] = (
    ("log", "log(x)", "x*log(x) - x"),
    ("log", "x*log(x)", "x**2*log(x)/2 - x**2/4"),
    ("log", "log(x)**2", "x*log(x)**2 - 2*x*log(x) + 2*x"),
    ("log", "log(x)/x", "log(x)**2/2"),
    ("log", "1/(x*log(x))", "log(log(x))"),
    ("log", "log(x**2 + 1)", "x*log(x**2 + 1) - 2*x + 2*atan(x)"),
    ("log", "log(1 + x)", "(1 + x)*log(1 + x) - x"),
    ("log", "log(x)/sqrt(x)", "2*sqrt(x)*log(x) - 4*sqrt(x)"),
    ("log", "log(log(x))/x", "log(x)*log(log(x)) - log(x)"),
    ("log", "1/(x*log(x)**2)", "-1/log(x)"),
    ("log", "log(2*x + 3)", "(2*x + 3)*log(2*x + 3)/2 - x"),
    ("log", "log(x)/(1 + x)**2", "x*log(x)/(1 + x) - log(1 + x)"),
    ("log", "log(x)/(1 - x**2)", "polylog(2, 1 - x)/2 + log(x + 1)**2/4 + polylog(2, 1/(x + 1))/2"),
    ("log", "log(x)/(1 - x)", "polylog(2, 1 - x)"),
    ("log", "log(1 + x)/x", "-polylog(2, -x)"),
    ("log", "log(x)/(x + 2)", "log(x + 2)**2/2 + polylog(2, 2/(x + 2))"),
    ("log", "log(x)/(x - 3)", "log(3)*log(Abs(x - 3)) - polylog(2, 1 - x/3)"),
    ("log", "sin(log(x))", "x*(sin(log(x)) - cos(log(x)))/2"),
    ("log", "log(x + sqrt(x**2 + 1))", "x*log(x + sqrt(x**2 + 1)) - sqrt(x**2 + 1)"),
    ("log", "log(x)**3/x", "log(x)**4/4"),
    ("log", "log(x)/(x*(1 + log(x)))", "log(x) - log(1 + log(x))"),
    ("log", "x*log(x + 1)", "(x**2 - 1)*log(x + 1)/2 - x**2/4 + x/2"),
    ("log", "log(x)/(2*x + 1)", "log(x + 1/2)**2/4 + polylog(2, 1/(2*x + 1))/2"),
)

HYPERBOLIC: tuple[Entry, ...] = (
    ("hyperbolic", "sinh(x)", "cosh(x)"),
    ("hyperbolic", "cosh(2*x)", "sinh(2*x)/2"),
    ("hyperbolic", "tanh(x)", "log(cosh(x))"),
    ("hyperbolic", "coth(x)", "log(sinh(x))"),
    ("hyperbolic", "sech(x)**2", "tanh(x)"),
    ("hyperbolic", "csch(x)**2", "-coth(x)"),
    ("hyperbolic", "sech(x)", "2*atan(tanh(x/2))"),
    ("hyperbolic", "csch(x)", "log(tanh(x/2))"),
    ("hyperbolic", "sinh(x)**2", "sinh(2*x)/4 - x/2"),
    ("hyperbolic", "cosh(x)**2", "sinh(2*x)/4 + x/2"),
    ("hyperbolic", "x*sinh(x)", "x*cosh(x) - sinh(x)"),
    ("hyperbolic", "x*cosh(x)", "x*sinh(x) - cosh(x)"),
    ("hyperbolic", "sinh(x)**3", "cosh(x)**3/3 - cosh(x)"),
    ("hyperbolic", "tanh(x)**2", "x - tanh(x)"),
    ("hyperbolic", "sech(x)*tanh(x)", "-sech(x)"),
    ("hyperbolic", "exp(x)*sinh(x)", "exp(2*x)/4 - x/2"),
    ("hyperbolic", "1/(1 + cosh(x))", "tanh(x/2)"),
    ("hyperbolic", "1/cosh(x)**2", "tanh(x)"),
    ("hyperbolic", "sinh(x)*cosh(x)", "sinh(x)**2/2"),
    ("hyperbolic", "tanh(x)**3", "log(cosh(x)) - tanh(x)**2/2"),
    (
        "hyperbolic",
        "1/(2 + cosh(x))",
        "sqrt(3)*(-log(tanh(x/2) - sqrt(3)) + log(tanh(x/2) + sqrt(3)))/3",
    ),
    ("hyperbolic", "sech(x)**3", "sech(x)*tanh(x)/2 + atan(sinh(x))/2"),
    ("hyperbolic", "cosh(x)/(1 + sinh(x)**2)", "atan(sinh(x))"),
    ("hyperbolic", "sinh(x)/(1 + cosh(x))", "log(1 + cosh(x))"),
    ("hyperbolic", "x*sech(x)**2", "x*tanh(x) - log(cosh(x))"),
    ("hyperbolic", "sinh(2*x)*cosh(3*x)", "cosh(5*x)/10 - cosh(x)/2"),
    ("hyperbolic", "sech(x)**4", "tanh(x) - tanh(x)**3/3"),
    ("hyperbolic", "exp(-x)*cosh(x)", "x/2 - exp(-2*x)/4"),
)

SPECIAL: tuple[Entry, ...] = (
    ("special", "exp(-x**2)", "sqrt(pi)*erf(x)/2"),
    ("special", "exp(x**2)", "sqrt(pi)*erfi(x)/2"),
    ("special", "exp(-2*x**2)", "sqrt(2)*sqrt(pi)*erf(sqrt(2)*x)/4"),
    ("special", "exp(x)/x", "Ei(x)"),
    ("special", "exp(-x)/x", "Ei(-x)"),
    ("special", "1/log(x)", "li(x)"),
    ("special", "sin(x)/x", "Si(x)"),
    ("special", "cos(x)/x", "Ci(x)"),
    ("special", "sinh(x)/x", "Shi(x)"),
    ("special", "cosh(x)/x", "Chi(x)"),
    ("special", "sin(x**2)", "sqrt(2)*sqrt(pi)*fresnels(sqrt(2)*x/sqrt(pi))/2"),
    ("special", "cos(x**2)", "sqrt(2)*sqrt(pi)*fresnelc(sqrt(2)*x/sqrt(pi))/2"),
    ("special", "erf(x)", "x*erf(x) + exp(-x**2)/sqrt(pi)"),
    ("special", "erfc(x)", "x*erfc(x) - exp(-x**2)/sqrt(pi)"),
    ("special", "x**2*exp(-x**2)", "sqrt(pi)*erf(x)/4 - x*exp(-x**2)/2"),
    ("special", "exp(-x**2 + 2*x)", "sqrt(pi)*exp(1)*erf(x - 1)/2"),
    ("special", "exp(x)/x**2", "Ei(x) - exp(x)/x"),
    ("special", "1/log(x)**2", "li(x) - x/log(x)"),
    ("special", "sin(x)/x**2", "Ci(x) - sin(x)/x"),
    ("special", "exp(2*x)/x", "Ei(2*x)"),
    ("special", "x/log(x)", "Ei(2*log(x))"),
    ("special", "exp(-x)/sqrt(x)", "sqrt(pi)*erf(sqrt(x))"),
    ("special", "exp(x)/sqrt(x)", "sqrt(pi)*erfi(sqrt(x))"),
    ("special", "sin(2*x)/x", "Si(2*x)"),
    ("special", "exp(x)*log(x)", "exp(x)*log(x) - Ei(x)"),
    ("special", "erfi(x)", "x*erfi(x) - exp(x**2)/sqrt(pi)"),
    ("special", "Si(x)", "x*Si(x) + cos(x)"),
    ("special", "li(x)", "x*li(x) - Ei(2*log(x))"),
    ("special", "exp(-x**2/2)", "sqrt(2)*sqrt(pi)*erf(sqrt(2)*x/2)/2"),
    ("special", "x*erf(x)", "(2*x**2 - 1)*erf(x)/4 + x*exp(-x**2)/(2*sqrt(pi))"),
    ("special", "exp(-x)*x**(1/2)", "sqrt(pi)*erf(sqrt(x))/2 - sqrt(x)*exp(-x)"),
    ("special", "exp(-x)*log(x)", "Ei(-x) - exp(-x)*log(x)"),
)

#: The book's chapters: activations, densities, losses and entropies.
MACHINE_LEARNING: tuple[Entry, ...] = (
    ("ml", "sigmoid(x)", "log(1 + exp(x))"),
    ("ml", "softplus(x)", "-polylog(2, -exp(x))"),
    ("ml", "sigmoid(x)*(1 - sigmoid(x))", "sigmoid(x)"),
    ("ml", "1/(1 + exp(-2*x))", "log(exp(2*x) + 1)/2"),
    ("ml", "tanh(x)**2 - 1", "-tanh(x)"),
    ("ml", "1 - tanh(x)**2", "tanh(x)"),
    ("ml", "x*exp(-x**2/2)", "-exp(-x**2/2)"),
    ("ml", "x**2*exp(-x**2/2)", "sqrt(2)*sqrt(pi)*erf(sqrt(2)*x/2)/2 - x*exp(-x**2/2)"),
    ("ml", "exp(-x**2/2)/sqrt(2*pi)", "erf(sqrt(2)*x/2)/2"),
    ("ml", "exp(-(x - 1)**2/8)/(2*sqrt(2*pi))", "erf(sqrt(2)*(x - 1)/4)/2"),
    ("ml", "exp(-x)*x**3", "-(x**3 + 3*x**2 + 6*x + 6)*exp(-x)"),
    ("ml", "x**2*(1 - x)**3", "x**3/3 - 3*x**4/4 + 3*x**5/5 - x**6/6"),
    ("ml", "-x*log(x)", "x**2/4 - x**2*log(x)/2"),
    (
        "ml",
        "-x*log(x) - (1 - x)*log(1 - x)",
        "x**2/4 - x**2*log(x)/2 + (1 - x)**2*log(1 - x)/2 - (1 - x)**2/4",
    ),
    ("ml", "log(1 + exp(-x))", "polylog(2, -exp(-x))"),
    ("ml", "exp(-abs(x))/2", "(1 - exp(-abs(x)))*sign(x)/2"),
    ("ml", "1/(pi*(1 + x**2))", "atan(x)/pi"),
    ("ml", "x/(1 + x**2)**2", "-1/(2*(1 + x**2))"),
    ("ml", "1/(1 + x**2/3)**2", "3*x/(2*(x**2 + 3)) + sqrt(3)*atan(x/sqrt(3))/2"),
    ("ml", "(1 + x**2/2)**(-3/2)", "x/sqrt(1 + x**2/2)"),
    ("ml", "exp(x)/(1 + exp(x))**2", "-1/(1 + exp(x))"),
    ("ml", "x*sigmoid(x)*(1 - sigmoid(x))", "-x + x/(1 + exp(-x)) - log(1 + exp(-x))"),
    ("ml", "log(1 + x**2)", "x*log(1 + x**2) - 2*x + 2*atan(x)"),
    ("ml", "x*exp(-x)", "-(x + 1)*exp(-x)"),
    ("ml", "exp(-2*x)*2", "-exp(-2*x)"),
    ("ml", "x**4*exp(-x**2)", "3*sqrt(pi)*erf(x)/8 - x**3*exp(-x**2)/2 - 3*x*exp(-x**2)/4"),
    ("ml", "x**(3/2)*exp(-x)", "sqrt(x)*(-x - 3/2)*exp(-x) - 3*sqrt(pi)*erfc(sqrt(x))/4"),
    ("ml", "exp(x)/(exp(x) + exp(2))", "log(exp(x) + exp(2))"),
    ("ml", "(exp(x) - exp(-x))/(exp(x) + exp(-x))", "log(exp(x) + exp(-x))"),
    ("ml", "1/(1 + exp(x))**3", "x + (2*exp(x) + 3)/(2*exp(2*x) + 4*exp(x) + 2) - log(exp(x) + 1)"),
)

PARAMETRIC: tuple[Entry, ...] = (
    ("parametric", "exp(a*x)", "exp(a*x)/a"),
    ("parametric", "x*exp(a*x)", "(a*x - 1)*exp(a*x)/a**2"),
    ("parametric", "1/(x**2 + a**2)", "atan(x/a)/a"),
    ("parametric", "sin(a*x)", "-cos(a*x)/a"),
    ("parametric", "cos(a*x + b)", "sin(a*x + b)/a"),
    ("parametric", "1/(a*x + b)", "log(a*x + b)/a"),
    ("parametric", "x/(x**2 + a**2)", "log(x**2 + a**2)/2"),
    ("parametric", "exp(-a**2*x**2)", "sqrt(pi)*erf(a*x)/(2*a)"),
    ("parametric", "x**2*exp(b*x)", "(b**2*x**2 - 2*b*x + 2)*exp(b*x)/b**3"),
    ("parametric", "(a*x + b)**3", "(a*x + b)**4/(4*a)"),
)


def _sin_cos_power(m: int, n: int) -> str:
    """∫ sin^m cos^n dx for an odd m (u = cos x) or an odd n (u = sin x), expanded."""
    odd, other, u, sign = (m, n, "cos(x)", -1) if m % 2 else (n, m, "sin(x)", 1)
    k = (odd - 1) // 2
    terms = [
        f"({sign * comb(k, j) * (-1) ** j})*{u}**{other + 2 * j + 1}/{other + 2 * j + 1}"
        for j in range(k + 1)
    ]
    return " + ".join(terms)


def _generated() -> tuple[Entry, ...]:
    """Families written by formula: x^n e^(kx), x^n log x, 1/(x^2 + c), sin^m cos^n."""
    out: list[Entry] = []
    for n in range(1, 5):
        for k in (2, -3, "1/2"):
            s = f"({k})"
            terms = " + ".join(
                f"(-1)**{j}*{factorial(n) // factorial(n - j)}*x**{n - j}/{s}**{j + 1}"
                for j in range(n + 1)
            )
            out.append(("exp", f"x**{n}*exp({k}*x)", f"exp({k}*x)*({terms})"))
    for n in range(2, 7):
        out.append(
            ("log", f"x**{n}*log(x)", f"x**{n + 1}*log(x)/{n + 1} - x**{n + 1}/{(n + 1) ** 2}")
        )
        out.append(
            (
                "log",
                f"log(x)/x**{n}",
                f"-log(x)/({n - 1}*x**{n - 1}) - 1/({(n - 1) ** 2}*x**{n - 1})",
            )
        )
    for c in (2, 3, 5, 7, "1/4", "9/16"):
        out.append(("rational", f"1/(x**2 + {c})", f"atan(x/sqrt({c}))/sqrt({c})"))
        out.append(
            (
                "rational",
                f"1/(x**2 - {c})",
                f"(log(x - sqrt({c})) - log(x + sqrt({c})))/(2*sqrt({c}))",
            )
        )
        out.append(("algebraic", f"1/sqrt(x**2 + {c})", f"asinh(x/sqrt({c}))"))
    for m, n in ((1, 2), (2, 1), (1, 4), (3, 1), (2, 3), (1, 5), (5, 2), (3, 3)):
        out.append(("trig", f"sin(x)**{m}*cos(x)**{n}", _sin_cos_power(m, n)))
    for k in (2, 3, 4, 5):
        root = f"sqrt({(k + 1)}/{(k - 1)})"
        out.append(
            (
                "trig",
                f"1/({k} - cos(x))",
                f"2*(atan({root}*tan(x/2)) + pi*floor((x + pi)/(2*pi)))/sqrt({k * k - 1})",
            )
        )
        out.append(
            (
                "hyperbolic",
                f"1/({k} + sinh(x)**2)",
                f"atanh(sqrt({k - 1}/{k})*tanh(x))/sqrt({k * (k - 1)})",
            )
        )
        out.append(("exp", f"1/({k} + exp(x))", f"x/{k} - log({k} + exp(x))/{k}"))
        out.append(
            ("algebraic", f"x/sqrt({k}*x + 1)", f"2*({k}*x - 2)*sqrt({k}*x + 1)/{3 * k * k}")
        )
    return tuple(out)


def _q(r: str) -> str:
    """A constant in parentheses (``"-1/3"`` -> ``"(-1/3)"``)."""
    return f"({r})"


def _families() -> tuple[Entry, ...]:
    """Textbook families with small rational constants, each answer by its table formula:
    the forms where a general integrator has to find the right substitution."""
    out: list[Entry] = []
    period = "pi*floor((x + pi)/(2*pi))"
    # 1/(a + b cos x), 1/(a + b sin x), a > |b|: t = tan(x/2), made continuous
    for a, b in (
        ("5/2", "3/2"),
        ("7/3", "1/2"),
        ("3", "-2"),
        ("9/4", "5/4"),
        ("4/3", "2/3"),
        ("2", "-1/3"),
    ):
        A, B = _q(a), _q(b)
        root = f"sqrt({A}**2 - {B}**2)"
        out.append(
            (
                "trig family",
                f"1/({a} + {B}*cos(x))",
                f"2*(atan(sqrt(({A} - {B})/({A} + {B}))*tan(x/2)) + {period})/{root}",
            )
        )
        out.append(
            (
                "trig family",
                f"1/({a} + {B}*sin(x))",
                f"2*(atan(({A}*tan(x/2) + {B})/{root}) + {period})/{root}",
            )
        )
    # 1/(a sin²x + b cos²x), a, b > 0: t = tan x, made continuous
    for a, b in (("2", "3"), ("1/2", "5"), ("4/3", "3/4"), ("7", "2")):
        A, B = _q(a), _q(b)
        out.append(
            (
                "trig family",
                f"1/({a}*sin(x)**2 + {b}*cos(x)**2)",
                f"(atan(sqrt({A}/{B})*tan(x)) + pi*floor((x + pi/2)/pi))/sqrt({A}*{B})",
            )
        )
    # 1/(a + b cosh x), a > b > 0: t = tanh(x/2)
    for a, b in (("2", "1"), ("5/2", "3/2"), ("3", "1/3"), ("7/4", "5/4")):
        A, B = _q(a), _q(b)
        out.append(
            (
                "hyperbolic family",
                f"1/({a} + {b}*cosh(x))",
                f"2*atanh(sqrt(({A} - {B})/({A} + {B}))*tanh(x/2))/sqrt({A}**2 - {B}**2)",
            )
        )
    # b^x/(c + d b^(2x)): u = b^x
    for base, c, d in (
        ("2", "1", "3"),
        ("3", "2", "5"),
        ("2", "5/2", "1/3"),
        ("5", "3", "2"),
        ("2", "2", "-3"),
        ("3", "1", "-2"),
        ("2", "7/2", "-5/4"),
        ("10", "1", "-1/2"),
    ):
        C, D = _q(c), _q(d)
        if d.startswith("-"):
            k = f"sqrt(-{D})"
            answer = f"(log(sqrt({C}) + {k}*{base}**x) - log(sqrt({C}) - {k}*{base}**x))/(2*sqrt(-{C}*{D})*log({base}))"
        else:
            answer = f"atan(sqrt({D}/{C})*{base}**x)/(sqrt({C}*{D})*log({base}))"
        out.append(("exp family", f"{base}**x/({c} + {D}*{base}**(2*x))", answer))
    # e^x/(a e^(2x) + b e^x + c), 4ac > b²: u = e^x
    for a, b, c in (
        ("1", "1", "1"),
        ("2", "-1", "3"),
        ("1/2", "1", "5/2"),
        ("3", "2", "1"),
        ("1", "-3", "4"),
        ("5/3", "1/2", "1"),
    ):
        A, B, C = _q(a), _q(b), _q(c)
        disc = f"sqrt(4*{A}*{C} - {B}**2)"
        out.append(
            (
                "exp family",
                f"exp(x)/({a}*exp(2*x) + {B}*exp(x) + {C})",
                f"2*atan((2*{A}*exp(x) + {B})/{disc})/{disc}",
            )
        )
    # 1/(a e^x + b e^-x), a, b > 0
    for a, b in (("1", "4"), ("3", "1/3"), ("2", "5"), ("1/2", "7/2")):
        A, B = _q(a), _q(b)
        out.append(
            (
                "exp family",
                f"1/({a}*exp(x) + {b}*exp(-x))",
                f"atan(sqrt({A}/{B})*exp(x))/sqrt({A}*{B})",
            )
        )
    # x/sqrt(ax + b), x²/sqrt(ax + b), sqrt(ax + b)/x (b > 0): u = sqrt(ax + b)
    for a, b in (("2", "5"), ("1/2", "1"), ("3", "5/2"), ("5/3", "2")):
        A, B = _q(a), _q(b)
        r = f"sqrt({a}*x + {b})"
        out.append(("algebraic family", f"x/{r}", f"2*({A}*x - 2*{B})*{r}/(3*{A}**2)"))
        out.append(
            (
                "algebraic family",
                f"x**2/{r}",
                f"2*(3*{A}**2*x**2 - 4*{A}*{B}*x + 8*{B}**2)*{r}/(15*{A}**3)",
            )
        )
        out.append(
            (
                "algebraic family",
                f"{r}/x",
                f"2*{r} + sqrt({B})*(log({r} - sqrt({B})) - log({r} + sqrt({B})))",
            )
        )
    # (p x³ + q x² + r x + s)/(x⁴ + k⁴): log/atan parts that ratint drops; k⁴ = c
    quartic = (
        "sqrt(2)*({s}*(log((x**2 + sqrt(2)*k*x + k**2)/(x**2 - sqrt(2)*k*x + k**2)) "
        "+ 2*atan(sqrt(2)*x/k + 1) + 2*atan(sqrt(2)*x/k - 1))/k**3 + {q}*(log((x**2 - sqrt(2)*k*x "
        "+ k**2)/(x**2 + sqrt(2)*k*x + k**2)) + 2*atan(sqrt(2)*x/k + 1) + 2*atan(sqrt(2)*x/k - 1))/k)/8"
        " + {p}*log(x**4 + k**4)/4 + {r}*atan(x**2/k**2)/(2*k**2)"
    )
    for p_, q_, r_, s_, c in (
        ("2", "-1", "3", "5", "2"),
        ("1/3", "2", "-1", "1", "3"),
        ("4", "1/2", "0", "-2", "5"),
        ("-1", "3", "2", "7/2", "1/2"),
        ("5/2", "-3", "1", "1/4", "6"),
        ("1", "1", "1", "1", "7"),
        ("3", "0", "-5/3", "2", "3/2"),
        ("-2", "5", "1/2", "-1", "10"),
    ):
        k = f"({c})**(1/4)"
        integrand = f"({p_}*x**3 + {_q(q_)}*x**2 + {_q(r_)}*x + {_q(s_)})/(x**4 + {c})"
        answer = quartic.format(p=_q(p_), q=_q(q_), r=_q(r_), s=_q(s_)).replace("k", f"({k})")
        out.append(("rational family", integrand, answer))
    # log(ax + b)/(x - r) with a, b, r chosen so that the integrand is real for ax + b > 0
    for a, b, r in (
        ("1", "0", "2"),
        ("1", "1", "-3"),
        ("2", "1", "1"),
        ("1", "3", "1"),
        ("3", "-1", "-2"),
        ("1/2", "2", "5"),
    ):
        A, B, R = _q(a), _q(b), _q(r)
        s_val = eval(f"({a})*({r}) + ({b})", {"__builtins__": {}})  # noqa: S307 - our own constants
        S = f"({A}*{R} + {B})"
        if s_val > 0:
            answer = f"log({S})*log(Abs(x - {R})) - polylog(2, -{A}*(x - {R})/{S})"
        else:
            answer = f"log({A}*(x - {R}))**2/2 + polylog(2, -{S}/({A}*(x - {R})))"
        out.append(("log family", f"log({a}*x + {B})/(x - {R})", answer))
    # Gaussian moments: x^n exp(-a x² + b x)
    for n, a, b in (
        (2, "1/2", "1"),
        (3, "1", "1/2"),
        (1, "2", "-1"),
        (4, "1/2", "0"),
        (2, "3", "2"),
        (0, "1/3", "1"),
    ):
        A, B = _q(a), _q(b)
        out.append(("gaussian family", f"x**{n}*exp(-{A}*x**2 + {B}*x)", _gaussian_moment(n, a, b)))
    return tuple(out)


def _gaussian_moment(n: int, a: str, b: str) -> str:
    """∫ x^n exp(-a x² + b x) dx (a > 0): t = x - h, h = b/(2a); the reduction formula
    ∫ t^m e^(-a t²) = -t^(m-1) e^(-a t²)/(2a) + (m-1)/(2a) ∫ t^(m-2) e^(-a t²)."""
    A, h = f"({a})", f"(({b})/(2*({a})))"
    t = f"(x - {h})"

    def moment(m: int) -> str:
        if m == 0:
            return f"sqrt(pi)*erf(sqrt({A})*{t})/(2*sqrt({A}))"
        if m == 1:
            return f"(-exp(-{A}*{t}**2)/(2*{A}))"
        return f"(-{t}**{m - 1}*exp(-{A}*{t}**2)/(2*{A}) + {m - 1}/(2*{A})*{moment(m - 2)})"

    # x^n = (t + h)^n = sum C(n, j) h^(n-j) t^j
    terms = [f"{comb(n, j)}*{h}**{n - j}*{moment(j)}" for j in range(n + 1)]
    return f"exp({A}*{h}**2)*(" + " + ".join(terms) + ")"


def _more_families() -> tuple[Entry, ...]:
    """More table families: exponentials of other bases, reciprocal hyperbolic powers (the
    derivative of tanh is sech², of the logistic function σ(1 - σ)), dilogarithms, softplus,
    inverse hyperbolic functions by parts."""
    out: list[Entry] = []
    # b^x/(c + d b^(2x)) (more), 1/(c + d b^x), b^(2x)/(c + d b^x), b^x/(c + d b^x)²
    for base, c, d in (
        ("2", "3", "1"),
        ("3", "1", "4"),
        ("4", "2", "1/2"),
        ("5", "1", "-3"),
        ("7", "2", "-1"),
        ("3", "3/2", "-1/2"),
    ):
        C, D = _q(c), _q(d)
        if d.startswith("-"):
            k = f"sqrt(-{D})"
            answer = f"(log(sqrt({C}) + {k}*{base}**x) - log(sqrt({C}) - {k}*{base}**x))/(2*sqrt(-{C}*{D})*log({base}))"
        else:
            answer = f"atan(sqrt({D}/{C})*{base}**x)/(sqrt({C}*{D})*log({base}))"
        out.append(("exp family", f"{base}**x/({c} + {D}*{base}**(2*x))", answer))
    for base, c, d in (
        ("2", "1", "3"),
        ("3", "2", "1"),
        ("5", "1/2", "2"),
        ("10", "3", "1/3"),
        ("2", "5", "-1"),
        ("3", "4", "-3"),
        ("7", "1", "1"),
        ("4", "2", "5"),
    ):
        C, D = _q(c), _q(d)
        u, lb = f"{base}**x", f"log({base})"
        out.append(
            ("exp family", f"1/({c} + {D}*{u})", f"(x*{lb} - log({C} + {D}*{u}))/({C}*{lb})")
        )
        out.append(
            (
                "exp family",
                f"{base}**(2*x)/({c} + {D}*{u})",
                f"({u}/{D} - {C}*log({C} + {D}*{u})/{D}**2)/{lb}",
            )
        )
        out.append(("exp family", f"{u}/({c} + {D}*{u})**2", f"-1/({D}*{lb}*({C} + {D}*{u}))"))
    # reciprocal hyperbolic powers and their products with x, a in 2, 1/2, 3, 1/3
    for a in ("2", "1/2", "3", "1/3"):
        A = _q(a)
        ax = f"{A}*x"
        out += [
            ("hyperbolic family", f"sech({ax})**2", f"tanh({ax})/{A}"),
            ("hyperbolic family", f"csch({ax})**2", f"-coth({ax})/{A}"),
            ("hyperbolic family", f"sech({ax})**4", f"(tanh({ax}) - tanh({ax})**3/3)/{A}"),
            ("hyperbolic family", f"tanh({ax})*sech({ax})**2", f"tanh({ax})**2/(2*{A})"),
            (
                "hyperbolic family",
                f"sech({ax})**3",
                f"(sech({ax})*tanh({ax}) + atan(sinh({ax})))/(2*{A})",
            ),
            ("hyperbolic family", f"x*sech({ax})**2", f"x*tanh({ax})/{A} - log(cosh({ax}))/{A}**2"),
            (
                "hyperbolic family",
                f"x*csch({ax})**2",
                f"-x*coth({ax})/{A} + log(sinh({ax}))/{A}**2",
            ),
            ("hyperbolic family", f"sech({ax})*tanh({ax})", f"-sech({ax})/{A}"),
            ("hyperbolic family", f"csch({ax})*coth({ax})", f"-csch({ax})/{A}"),
        ]
    # log(ax + b)/(x - r) (more dilogarithms)
    for a, b, r in (
        ("1", "2", "1"),
        ("1", "0", "-1"),
        ("2", "3", "-1"),
        ("1", "5", "2"),
        ("1/3", "1", "4"),
        ("3", "2", "-1/2"),
        ("1", "0", "3"),
        ("2", "0", "-4"),
        ("1", "1/2", "1/2"),
        ("4", "1", "2"),
        ("1", "7", "-2"),
        ("5", "3", "1"),
    ):
        A, B, R = _q(a), _q(b), _q(r)
        s_val = eval(f"({a})*({r}) + ({b})", {"__builtins__": {}})  # noqa: S307 - our own constants
        S = f"({A}*{R} + {B})"
        if s_val > 0:
            answer = f"log({S})*log(Abs(x - {R})) - polylog(2, -{A}*(x - {R})/{S})"
        elif s_val < 0:
            answer = f"log({A}*(x - {R}))**2/2 + polylog(2, -{S}/({A}*(x - {R})))"
        else:
            answer = f"log({A}*(x - {R}))**2/2"
        out.append(("log family", f"log({a}*x + {B})/(x - {R})", answer))
    # softplus and its relatives: log(1 + c e^(ax))
    for a, c in (("1", "2"), ("2", "1"), ("-1", "3"), ("1/2", "1"), ("-2", "1/2"), ("3", "1")):
        A, C = _q(a), _q(c)
        out.append(("ml family", f"log(1 + {C}*exp({A}*x))", f"-polylog(2, -{C}*exp({A}*x))/{A}"))
    # inverse hyperbolic functions by parts
    for a in ("2", "1/2", "3"):
        A = _q(a)
        out.append(
            ("inverse family", f"acosh({A}*x)", f"x*acosh({A}*x) - sqrt({A}**2*x**2 - 1)/{A}")
        )
        out.append(
            (
                "inverse family",
                f"x*acosh({A}*x)",
                f"(2*{A}**2*x**2 - 1)*acosh({A}*x)/(4*{A}**2) - x*sqrt({A}**2*x**2 - 1)/(4*{A})",
            )
        )
    # 1/(a sin²x + b cos²x) (more)
    for a, b in (("3", "1"), ("1/3", "2"), ("5", "5/4"), ("2/3", "3/2")):
        A, B = _q(a), _q(b)
        out.append(
            (
                "trig family",
                f"1/({a}*sin(x)**2 + {b}*cos(x)**2)",
                f"(atan(sqrt({A}/{B})*tan(x)) + pi*floor((x + pi/2)/pi))/sqrt({A}*{B})",
            )
        )
    return tuple(out)


def _sech_reduction(n: int, ax: str, a: str) -> str:
    """∫ sech(ax)^n dx by ``∫ sech^n = sech^(n-2) tanh/(n-1) + (n-2)/(n-1) ∫ sech^(n-2)``."""
    if n == 1:
        return f"atan(sinh({ax}))/{a}"
    if n == 2:
        return f"tanh({ax})/{a}"
    head = f"sech({ax})**{n - 2}*tanh({ax})/({n - 1}*{a})"
    return f"{head} + {n - 2}/{n - 1}*({_sech_reduction(n - 2, ax, a)})"


def _dilog_of(p: str) -> str:
    """∫ log(x)/(x + p) dx for p > 0 (real for x > 0)."""
    return f"(log(x + {p})**2/2 + polylog(2, {p}/(x + {p})))"


def _hyperbolic_and_log_families() -> tuple[Entry, ...]:
    """Reciprocal hyperbolic functions and their products (the derivatives of tanh and of
    the logistic function), dilogarithms of rational functions, inverse hyperbolic
    functions by parts: classes where a general integrator finds no answer or a wrong one."""
    out: list[Entry] = []
    for a in ("1", "2", "1/2"):
        A = _q(a)
        ax = f"{A}*x"
        out.append(("hyperbolic family", f"sech({ax})**5", _sech_reduction(5, ax, A)))
    for a in ("1", "2", "1/3"):
        A = _q(a)
        ax = f"{A}*x"
        out.append(
            (
                "hyperbolic family",
                f"csch({ax})**3",
                f"-csch({ax})*coth({ax})/(2*{A}) - log(tanh({ax}/2))/(2*{A})",
            )
        )
    for a in ("1", "2"):
        A = _q(a)
        ax = f"{A}*x"
        for k in (2, 3, 4):
            out.append(
                (
                    "hyperbolic family",
                    f"tanh({ax})**{k}*sech({ax})**2",
                    f"tanh({ax})**{k + 1}/({k + 1}*{A})",
                )
            )
        for c in ("1", "2", "3"):
            out.append(
                (
                    "hyperbolic family",
                    f"sech({ax})**2/({c} + tanh({ax}))",
                    f"log({c} + tanh({ax}))/{A}",
                )
            )
        out.append(("hyperbolic family", f"exp({ax})*sech({ax})", f"log(exp(2*{ax}) + 1)/{A}"))
        out.append(
            ("hyperbolic family", f"exp(-{ax})*sech({ax})", f"2*x - log(exp(2*{ax}) + 1)/{A}")
        )
    for p_, q_ in (("1", "2"), ("1", "3"), ("2", "5"), ("1/2", "1"), ("3", "4")):
        P, Q = _q(p_), _q(q_)
        out.append(
            (
                "log family",
                f"log(x)/((x + {P})*(x + {Q}))",
                f"({_dilog_of(P)} - {_dilog_of(Q)})/({Q} - {P})",
            )
        )
    for c in ("2", "3", "1/2"):
        C = _q(c)
        minus = f"(log({C})*log(Abs(x - {C})) - polylog(2, 1 - x/{C}))"
        out.append(("log family", f"log(x)/(x**2 - {C}**2)", f"({minus} - {_dilog_of(C)})/(2*{C})"))
    for p_, q_ in (("1", "2"), ("2", "1"), ("3", "1/2"), ("1/2", "4")):
        P, Q = _q(p_), _q(q_)
        # log(x + p)/(x + q): s = p - q at the pole x = -q
        s_val = eval(f"({p_}) - ({q_})", {"__builtins__": {}})  # noqa: S307 - our own constants
        S = f"({P} - {Q})"
        if s_val > 0:
            answer = f"log({S})*log(Abs(x + {Q})) - polylog(2, -(x + {Q})/{S})"
        else:
            answer = f"log(x + {Q})**2/2 + polylog(2, -{S}/(x + {Q}))"
        out.append(("log family", f"log(x + {P})/(x + {Q})", answer))
    for a in ("1", "2", "1/2"):
        A = _q(a)
        root = f"sqrt({A}**2*x**2 - 1)"
        out.append(("inverse family", f"acosh({A}*x)/x**2", f"-acosh({A}*x)/x + {A}*asec({A}*x)"))
        out.append(
            (
                "inverse family",
                f"x**2*acosh({A}*x)",
                f"x**3*acosh({A}*x)/3 - ({A}**2*x**2 + 2)*{root}/(9*{A}**3)",
            )
        )
    return tuple(out)


#: Every entry of the table.
TABLE: tuple[Entry, ...] = (
    POLYNOMIAL
    + RATIONAL
    + ALGEBRAIC
    + TRIGONOMETRIC
    + INVERSE_TRIG
    + EXPONENTIAL
    + LOGARITHMIC
    + HYPERBOLIC
    + SPECIAL
    + MACHINE_LEARNING
    + PARAMETRIC
    + _generated()
    + _families()
    + _more_families()
    + _hyperbolic_and_log_families()
)
