from amends.cli import main

raise SystemExit(main())
