from sauda_cli.app import main

main()
