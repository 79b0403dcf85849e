// The solvers dnmf offers, one line each, in the order --help lists them:
//   DNMF_SOLVER(name, factory, start, objectives, snapshotted state, one-line help)
// `factory` is defined in the solver's own file (solver_NAME.cpp); `start` says whether
// it needs a nonnegative start (Start::nonnegative) or can start from any finite one;
// `objectives` which losses (--loss) and penalties (--alpha-w, --alpha-h) it minimizes.
// solver_registry.cpp includes this list to declare the factories and build the table,
// so adding a solver is its own file plus one line here.
DNMF_SOLVER("hals", make_hals, Start::nonnegative, Objectives::penalized_frobenius,
            "the first iteration's projected gradient (--tol)",
            "coordinate descent on the Frobenius loss (scikit-learn's 'cd'); the default")
DNMF_SOLVER("mu", make_multiplicative_updates, Start::nonnegative, Objectives::penalized_any_loss,
            "nothing beyond W and H", "multiplicative updates (Lee & Seung; scikit-learn's 'mu'), for every --loss")
DNMF_SOLVER("kl-cd", make_kl_coordinate_descent, Start::nonnegative, Objectives::penalized_kullback_leibler,
            "the first iteration's projected gradient (--tol)",
            "coordinate descent with Newton steps on the Kullback-Leibler loss (Hsieh & Dhillon 2011)")
DNMF_SOLVER("gd", make_gradient_descent, Start::any, Objectives::frobenius, "the decayed learning rate",
            "the seed notebook's penalized gradient descent")
DNMF_SOLVER("sgd", make_stochastic_gradient_descent, Start::any, Objectives::frobenius, "the decayed learning rate",
            "its mini-batch form")
DNMF_SOLVER("adam", make_adam, Start::any, Objectives::frobenius, "Adam's moments and step count",
            "its autograd + Adam variant")
